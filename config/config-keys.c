/*
 * The table of every key bedroomd knows: where its value goes, what it
 * accepts, its default and its help. The parser, --check-config,
 * --dump-config, config/bedroomd.conf.example and docs/bedroomd.conf.5 are
 * all made from it (the last two by tools/config-doc: after a change here,
 * `cmake --build build --target config-docs` writes them again).
 *
 * A default that some other part of bedroomd uses too has its home in that
 * part's plain *-defaults.h, and is read from there.
 */
#include "config/config-keys.h"

#include <math.h>

#include "actuators/heater-defaults.h"
#include "control/cramp-defaults.h"
#include "control/reminder-defaults.h"
#include "control/thermostat-defaults.h"
#include "sensors/sensor-defaults.h"

static const char *const log_level_names[] = {
	[CONFIG_LOG_LEVEL_ERROR] = "error",
	[CONFIG_LOG_LEVEL_WARNING] = "warning",
	[CONFIG_LOG_LEVEL_INFO] = "info",
	[CONFIG_LOG_LEVEL_DEBUG] = "debug",
	NULL,
};

static const char *const aggregate_names[] = {
	[CONFIG_ROOM_AGGREGATE_MIN] = "min",
	[CONFIG_ROOM_AGGREGATE_MEAN] = "mean",
	[CONFIG_ROOM_AGGREGATE_FIRST] = "first",
	NULL,
};

static const char *const heating_mode_names[] = {
	[CONFIG_HEATING_MODE_HEAT] = "heat",
	[CONFIG_HEATING_MODE_OFF] = "off",
	NULL,
};

/* The backends' names, from their registrations: each is spelt in one place. */
#define NAME(id, name) #name,
const char *const config_sensor_type_names[] = { SENSOR_TYPES(NAME) NULL };
const char *const config_heater_type_names[] = { HEATER_PRESETS(NAME) NULL };
#undef NAME

const char *const config_input_type_names[] = {
	[CONFIG_INPUT_TYPE_GPIO] = "gpio",
	[CONFIG_INPUT_TYPE_MQTT] = "mqtt",
	NULL,
};

static const char *const input_role_names[] = {
	[CONFIG_INPUT_ROLE_OCCUPANCY] = "occupancy",
	[CONFIG_INPUT_ROLE_MOVEMENT] = "movement",
	[CONFIG_INPUT_ROLE_CRAMP_BUTTON] = "cramp_button",
	NULL,
};

static const char *const bias_names[] = {
	[CONFIG_INPUT_BIAS_AS_IS] = "as-is",
	[CONFIG_INPUT_BIAS_PULL_UP] = "pull-up",
	[CONFIG_INPUT_BIAS_PULL_DOWN] = "pull-down",
	[CONFIG_INPUT_BIAS_DISABLED] = "disabled",
	NULL,
};

static const char *const leg_names[] = {
	[CONFIG_LEG_UNKNOWN] = "unknown",
	[CONFIG_LEG_LEFT] = "left",
	[CONFIG_LEG_RIGHT] = "right",
	NULL,
};

#define SEC  1000000.0
#define MIN  (60 * SEC)
#define HOUR (3600 * SEC)
#define DAY  (24 * HOUR)

/* clang-format off */
#define KEY(sec, key, type_, field, min_, max_, ...) \
	{ .section = sec, .name = key, .type = type_, .offset = offsetof(struct config, field), \
	  .min = min_, .max = max_, __VA_ARGS__ }
#define KEY_CHOICE(sec, key, field, names, ...) \
	{ .section = sec, .name = key, .type = KEY_ENUM, \
	  .offset = offsetof(struct config, field), .choices = names, __VA_ARGS__ }
#define ITEM_KEY(sec, item, key, type_, field, min_, max_, types_, ...) \
	{ .section = sec, .name = key, .type = type_, .offset = offsetof(struct item, field), \
	  .min = min_, .max = max_, .types = types_, __VA_ARGS__ }
#define ITEM_CHOICE(sec, item, key, field, names, types_, ...) \
	{ .section = sec, .name = key, .type = KEY_ENUM, .offset = offsetof(struct item, field), \
	  .choices = names, .types = types_, __VA_ARGS__ }
#define SENSOR(key, type, field, min, max, types, ...) \
	ITEM_KEY("sensor", config_sensor, key, type, field, min, max, types, __VA_ARGS__)
#define INPUT(key, type, field, min, max, types, ...) \
	ITEM_KEY("input", config_input, key, type, field, min, max, types, __VA_ARGS__)
#define HEATER(key, type, field, min, max, types, ...) \
	ITEM_KEY("heater", config_heater, key, type, field, min, max, types, __VA_ARGS__)
#define REMINDER(key, type, field, min, max, ...) \
	ITEM_KEY("reminder", config_reminder, key, type, field, min, max, 0, __VA_ARGS__)

/* What the key table says beyond parsing. */
#define DEFAULT(v)          .has_default = true, .default_value = (v)
#define DEFAULT_RANGE(a, b) .has_default = true, .default_value = (a), .default_end = (b)
#define DEFAULT_TEXT(s)     .has_default = true, .default_text = (s)
#define DEFAULT_DOC(s)      .default_doc = (s)
#define EXAMPLE(s)          .example = (s)
#define HELP(s)             .help = (s)
/* clang-format on */

/* Which types of a named section a key applies to: bits of its type enum; 0: all. */
#define W1                  (1u << CONFIG_SENSOR_TYPE_W1)
#define IIO                 (1u << CONFIG_SENSOR_TYPE_IIO)
#define HWMON               (1u << CONFIG_SENSOR_TYPE_HWMON)
#define S_MQTT              (1u << CONFIG_SENSOR_TYPE_MQTT)
#define SYSFS_BIT(id, name) | (1u << CONFIG_SENSOR_TYPE_##id)
#define SYSFS               (0 TEMP_SOURCE_TYPES(SYSFS_BIT)) /* every type read from sysfs */
#define GPIO                (1u << CONFIG_INPUT_TYPE_GPIO)
#define I_MQTT              (1u << CONFIG_INPUT_TYPE_MQTT)
#define TASMOTA             (1u << HEATER_TYPE_TASMOTA)
#define SHELLY              (1u << HEATER_TYPE_SHELLY)
#define Z2M                 (1u << HEATER_TYPE_ZIGBEE2MQTT)
#define GENERIC             (1u << HEATER_TYPE_GENERIC)
/* The presets whose plugs take a dead-man with every ON (their ops' dead_man). */
#define DEAD_MAN (TASMOTA | SHELLY | Z2M)
#define BY_TOPIC (~GENERIC) /* the presets that make their topics from 'topic' */

const struct key_spec config_keys[] = {
	KEY("daemon", "node_id", KEY_NAME, daemon.node_id, 0, 0,
	    DEFAULT_DOC("this machine's host name"), EXAMPLE("bedroom"),
	    HELP("Name of this room: keeps rooms apart on the broker and in Home Assistant. "
		 "Letters, digits, '_' and '-'.")),
	KEY("daemon", "state_dir", KEY_PATH, daemon.state_dir, 0, 0,
	    DEFAULT_TEXT("/var/lib/bedroomd"),
	    HELP("Where the SQLite store (cramp log, settings changed from Home Assistant) "
		 "lives. systemd's StateDirectory= creates it for the service. One bedroomd per "
		 "directory: a second is refused, naming the first's PID, and so is a reload to "
		 "a directory another bedroomd uses (the running configuration stays).")),
	KEY_CHOICE("daemon", "log_level", daemon.log_level, log_level_names,
		   DEFAULT(CONFIG_LOG_LEVEL_INFO),
		   HELP("error, warning, info or debug. The journal of a quiet night is a few "
			"lines at info.")),
	KEY("mqtt", "host", KEY_WORD, mqtt.host, 0, 0, DEFAULT_TEXT("localhost"),
	    HELP("The broker. bedroomd reconnects by itself (1 s to 60 s apart) when it goes "
		 "away. An IP address, or a name in /etc/hosts, is safest: a name only DNS "
		 "knows is looked up before each connection attempt, in a child process "
		 "given 15 s, and while the DNS server is down (a router still booting "
		 "after a power cut) the broker is unreachable; heating, the cramp log and "
		 "the bed's inputs go on meanwhile.")),
	KEY("mqtt", "port", KEY_INT, mqtt.port, 1, 65535,
	    DEFAULT_DOC("1883, or 8883 when ca_file is set"), EXAMPLE("1883"),
	    HELP("The broker's port.")),
	KEY("mqtt", "client_id", KEY_NAME, mqtt.client_id, 0, 0, DEFAULT_DOC("bedroomd-<node_id>"),
	    EXAMPLE("bedroomd-bedroom"),
	    HELP("Must be unique on the broker and stable: the broker keeps our session (queued "
		 "commands) under it while bedroomd restarts.")),
	KEY("mqtt", "base_topic", KEY_TOPIC, mqtt.base_topic, 0, 0,
	    DEFAULT_DOC("bedroomd/<node_id>"), EXAMPLE("bedroomd/bedroom"),
	    HELP("Everything bedroomd publishes and listens to is below this topic.")),
	KEY("mqtt", "keepalive", KEY_INT, mqtt.keepalive_s, 5, 3600, DEFAULT(60),
	    HELP("Seconds between keepalive pings; the broker declares us gone (and publishes "
		 "\"offline\") after 1.5 times this without a word.")),
	KEY("mqtt", "username", KEY_STRING, mqtt.username, 0, 0,
	    HELP("Authentication: the user name; unset: none.")),
	KEY("mqtt", "password_file", KEY_FILE, mqtt.password_file, 0, 0,
	    EXAMPLE("/etc/bedroomd/mqtt-password"),
	    HELP("The password lives in its own file (the first line), readable only by "
		 "bedroomd: chmod 0600, chown bedroomd (readable by others is a warning). Never "
		 "in this file. Or leave this unset and give it as the systemd credential "
		 "mqtt-password (LoadCredential=mqtt-password:/etc/bedroomd/mqtt-password in a "
		 "drop-in): bedroomd reads $CREDENTIALS_DIRECTORY/mqtt-password when username is "
		 "set.")),
	KEY("mqtt", "ca_file", KEY_FILE, mqtt.ca_file, 0, 0,
	    EXAMPLE("/etc/ssl/certs/ca-certificates.crt"),
	    HELP("TLS: the CA that signed the broker's certificate (PEM). Setting it turns TLS "
		 "on; the broker's certificate and its name (host) are then always verified. A "
		 "file that is not PEM stops bedroomd from starting.")),
	KEY("mqtt", "cert_file", KEY_FILE, mqtt.cert_file, 0, 0,
	    HELP("TLS: a client certificate, together with key_file.")),
	KEY("mqtt", "key_file", KEY_FILE, mqtt.key_file, 0, 0,
	    HELP("TLS: the client certificate's key (PEM, no passphrase), together with "
		 "cert_file; it must be that certificate's key.")),
	KEY("mqtt", "command_max_age", KEY_DURATION, mqtt.command_max_age_usec, 0, 7 * DAY,
	    DEFAULT(10 * MIN),
	    HELP("A set/floor or set/mode command that carries its own time ({\"floor\": 19, "
		 "\"time\": \"2026-01-31T22:10:00+01:00\"}) and is older than this is ignored "
		 "with a log line: the broker replays what waited in our session after an "
		 "outage, and an old setting would undo a newer one. A plain payload carries no "
		 "time and is taken. It does not apply to a cramp report: that is logged with "
		 "its own time (at most 30 days back). 0: no limit.")),
	KEY("room", "sysfs_root", KEY_PATH, room.sysfs_root, 0, 0,
	    DEFAULT_TEXT(TEMP_SOURCE_DEFAULT_SYSFS_ROOT),
	    HELP("Where sysfs is: only tests and simulations change this.")),
	KEY_CHOICE("room", "aggregate", room.aggregate, aggregate_names,
		   DEFAULT(CONFIG_ROOM_AGGREGATE_MIN),
		   HELP("The room temperature from several [sensor.NAME]: min (the coldest healthy "
			"sensor: the floor is about the coldest place the person lies in), mean, "
			"or first (the first healthy one, in the order of this file).")),
	KEY("room", "publish_step", KEY_DOUBLE, room.publish_step_c, 0.01, 5,
	    DEFAULT(ROOM_PUBLISH_DEFAULT_STEP_MC / 1000.0),
	    HELP("<base>/state is re-published when the room temperature changes by this much, "
		 "°C, and at least every publish_interval.")),
	KEY("room", "publish_interval", KEY_DURATION, room.publish_max_usec, 10 * SEC, HOUR,
	    DEFAULT(ROOM_PUBLISH_DEFAULT_MAX_INTERVAL_USEC),
	    HELP("<base>/state is re-published at least this often.")),
	KEY_CHOICE("heating", "mode", heating.mode, heating_mode_names,
		   DEFAULT(CONFIG_HEATING_MODE_HEAT),
		   HELP("Heating at all: heat or off. This is the mode at first start; a change "
			"from Home Assistant (<base>/set/mode) is kept in the store and wins after "
			"that.")),
	KEY("heating", "floor", KEY_DOUBLE, heating.floor_c, 5, 30,
	    DEFAULT(THERMOSTAT_DEFAULT_FLOOR_C),
	    HELP("The night floor, °C: the room should not go below it during the night window. "
		 "bedroomd picks its own switching points above it. Changed from Home Assistant "
		 "with <base>/set/floor within floor_min..floor_max (kept in the store too).")),
	KEY("heating", "floor_min", KEY_DOUBLE, heating.floor_min_c, 5, 30, DEFAULT(16),
	    HELP("The lowest floor <base>/set/floor accepts, °C.")),
	KEY("heating", "floor_max", KEY_DOUBLE, heating.floor_max_c, 5, 30, DEFAULT(24),
	    HELP("The highest floor <base>/set/floor accepts, °C; overheat must be more than a "
		 "degree above it.")),
	KEY("heating", "day_floor", KEY_TEMP_OR_OFF, heating.day_floor_c, 5, 30, DEFAULT(NAN),
	    HELP("Outside the night window: a temperature, or off (no heating by day); "
		 "overheat must be more than a degree above it.")),
	KEY("heating", "night", KEY_TIME_RANGE, heating.night_start_min, 0, 0,
	    DEFAULT_RANGE(THERMOSTAT_DEFAULT_NIGHT_START_MIN, THERMOSTAT_DEFAULT_NIGHT_END_MIN),
	    HELP("The night window, local time; it may cross midnight.")),
	KEY("heating", "min_on", KEY_DURATION, heating.min_on_usec, 0, HOUR,
	    DEFAULT(THERMOSTAT_DEFAULT_MIN_ON_USEC),
	    HELP("Relay care: the shortest on period; in bed at night (an occupancy input "
		 "says) at least 5min. A start still switches every heater off until a reading "
		 "comes.")),
	KEY("heating", "min_off", KEY_DURATION, heating.min_off_usec, 0, HOUR,
	    DEFAULT(THERMOSTAT_DEFAULT_MIN_OFF_USEC),
	    HELP("Relay care: the shortest off period; in bed at night at least 10min. It "
		 "holds across a restart, a crash included: the store keeps when each relay "
		 "was last switched.")),
	KEY("heating", "max_on", KEY_DURATION, heating.max_on_usec, 10 * MIN, 24 * HOUR,
	    DEFAULT(THERMOSTAT_DEFAULT_MAX_ON_USEC),
	    HELP("Safety: the longest continuous run of a heater; then it rests, and max_on_time "
		 "is raised.")),
	KEY("heating", "no_effect", KEY_DURATION, heating.no_effect_usec, 5 * MIN, 12 * HOUR,
	    DEFAULT(THERMOSTAT_DEFAULT_NO_EFFECT_USEC),
	    HELP("Safety: how long a heater may run without the room warming before "
		 "heating_no_effect is raised.")),
	KEY("heating", "preheat_max", KEY_DURATION, heating.preheat_max_usec, 0, 12 * HOUR,
	    DEFAULT(THERMOSTAT_DEFAULT_PREHEAT_MAX_USEC),
	    HELP("Pre-heat starts at most this long before the night window.")),
	KEY("heating", "overheat", KEY_DOUBLE, heating.overheat_c, 15, 40,
	    DEFAULT(THERMOSTAT_DEFAULT_OVERHEAT_C),
	    HELP("Safety: the cut-off, °C. At or above it every heater is off and "
		 "over_temperature is raised.")),
	KEY("heating", "fallback_duty", KEY_DOUBLE, heating.fallback_duty, 0, 0.5,
	    DEFAULT(THERMOSTAT_DEFAULT_FALLBACK_DUTY),
	    HELP("While the room temperature is unknown: 0 keeps the heaters off (the default "
		 "and the safe choice); up to 0.5 runs them that fraction of the time.")),
	KEY("heating", "outdoor_topic", KEY_TOPIC, heating.outdoor_topic, 0, 0,
	    EXAMPLE("zigbee2mqtt/balcony"),
	    HELP("An outdoor thermometer on the broker improves pre-heat (a plain number, or "
		 "JSON with outdoor_json_key); unset: none.")),
	KEY("heating", "outdoor_json_key", KEY_STRING, heating.outdoor_json_key, 0, 0,
	    EXAMPLE("temperature"),
	    HELP("Where the outdoor temperature is in a JSON payload (a dot path); unset: the "
		 "payload is a plain number.")),
	KEY("cramps", "dedup_window", KEY_DURATION, cramps.dedup_window_usec, 0, HOUR,
	    DEFAULT(CRAMP_DEFAULT_DEDUP_WINDOW_S *SEC),
	    HELP("Reports of the same leg within this window are one cramp (a half-asleep person "
		 "presses twice, or presses and then tells Home Assistant). A later report that "
		 "brings what the cramp lacks (its leg, a site, a note) amends it: the cramp is "
		 "sent again with the same id and \"amended\": true.")),
	KEY("cramps", "retention", KEY_DURATION, cramps.retention_usec, 0, 100 * 365 * DAY,
	    DEFAULT(730 * DAY),
	    HELP("Cramps older than this are deleted (only once they reached the broker); 0 keeps "
		 "everything. Never all of them: while no cramp is as new as the retention "
		 "allows (a clock years ahead, or no cramp in that long) all are kept and the "
		 "journal says so once. Nothing personal is retained on the broker.")),
	KEY("cramps", "frequency_message", KEY_STRING, cramps.frequency_message, 0, 0,
	    DEFAULT_TEXT(CRAMP_DEFAULT_FREQUENCY_MESSAGE),
	    HELP("The advisory when cramps come more than three times a week.")),
	KEY("cramps", "one_sided_message", KEY_STRING, cramps.one_sided_message, 0, 0,
	    DEFAULT_TEXT(CRAMP_DEFAULT_ONE_SIDED_MESSAGE),
	    HELP("The advisory when cramps keep coming back on one leg.")),
	KEY("cramps", "spread_message", KEY_STRING, cramps.spread_message, 0, 0,
	    DEFAULT_TEXT(CRAMP_DEFAULT_SPREAD_MESSAGE),
	    HELP("The advisory when a cramp spreads to the thigh or buttock.")),
	KEY("cramps", "suspect_from_movement", KEY_BOOL, cramps.suspect_from_movement, 0, 0,
	    DEFAULT(false),
	    HELP("Suspected cramps from movement in bed (needs an [input.NAME] with role = "
		 "movement). A cramp wakes the sleeper with a sudden bout of movement: at least "
		 "suspect_movements movements within suspect_within, after suspect_after_quiet of "
		 "calm (no more than one movement a minute), in bed for suspect_min_in_bed (when "
		 "an occupancy input says). Such a cramp is logged with \"source\": \"movement\", "
		 "\"suspected\": true, and is not counted (no cramps_7d, no advisories) until the "
		 "person confirms it: any other report of a cramp within confirm_window of it "
		 "(the button, the phone, or bedroomctl cramp --at TIME the next morning) says "
		 "\"confirms\": <its id>.")),
	KEY("cramps", "suspect_movements", KEY_INT, cramps.suspect_movements, 2, 128,
	    DEFAULT(CRAMP_DEFAULT_SUSPECT_MOVEMENTS),
	    HELP("How many movements, at least, make a suspected cramp. A movement is not an "
		 "edge: a sensor's edges within a second of a movement's first are that movement, "
		 "so that the chatter of a vibration switch as the sleeper turns over is one or "
		 "two.")),
	KEY("cramps", "suspect_within", KEY_DURATION, cramps.suspect_within_usec, 5 * SEC, 10 * MIN,
	    DEFAULT(CRAMP_DEFAULT_SUSPECT_WITHIN_USEC),
	    HELP("How long those movements take, at most.")),
	KEY("cramps", "suspect_after_quiet", KEY_DURATION, cramps.suspect_after_quiet_usec,
	    10 * SEC, 6 * HOUR, DEFAULT(CRAMP_DEFAULT_SUSPECT_AFTER_QUIET_USEC),
	    HELP("How long the calm before them lasts, at least.")),
	KEY("cramps", "suspect_min_in_bed", KEY_DURATION, cramps.suspect_min_in_bed_usec, 0,
	    6 * HOUR, DEFAULT(CRAMP_DEFAULT_SUSPECT_MIN_IN_BED_USEC),
	    HELP("How long the person has been in bed, at least (when an occupancy input says).")),
	KEY("cramps", "confirm_window", KEY_DURATION, cramps.confirm_window_usec, MIN, 12 * HOUR,
	    DEFAULT(15 * MIN), HELP("A report of a cramp this near a suspected one confirms it.")),
	KEY("homeassistant", "discovery", KEY_BOOL, homeassistant.discovery, 0, 0, DEFAULT(true),
	    HELP("MQTT discovery: bedroomd announces one device with its entities (the night "
		 "floor as a climate, room temperature, cramp counts, in bed, problems, \"Log "
		 "cramp\" buttons, cramp and alert events) as retained configs, and again "
		 "whenever Home Assistant says it is back. An entity that a reload leaves "
		 "without a reason (no heater any more) is removed. no: announce nothing (and "
		 "remove nothing).")),
	KEY("homeassistant", "discovery_prefix", KEY_TOPIC, homeassistant.discovery_prefix, 0, 0,
	    DEFAULT_TEXT("homeassistant"),
	    HELP("Must match Home Assistant's MQTT discovery prefix.")),
	KEY("homeassistant", "status_topic", KEY_TOPIC, homeassistant.status_topic, 0, 0,
	    DEFAULT_TEXT("homeassistant/status"),
	    HELP("Home Assistant's birth message: \"online\" here makes bedroomd announce "
		 "again (with discovery on) and send again the alerts raised or cleared while "
		 "Home Assistant was away (with discovery on or off).")),
	KEY("homeassistant", "device_name", KEY_STRING, homeassistant.device_name, 0, 0,
	    DEFAULT_DOC("from node_id (\"guest-room\" becomes \"Guest room\")"), EXAMPLE("Bedroom"),
	    HELP("The device's name in Home Assistant; entity ids start with it.")),
	ITEM_CHOICE("sensor", config_sensor, "type", type, config_sensor_type_names, 0,
		    EXAMPLE("w1"),
		    HELP("w1: a DS18B20 on 1-Wire (dtoverlay=w1-gpio, data on GPIO4 with a "
			 "4.7 kOhm pull-up to 3.3 V). iio: a DHT22 (dtoverlay=dht11,gpiopin=N) "
			 "or BME280 (dtoverlay=i2c-sensor,bme280). hwmon: /sys/class/hwmon. "
			 "mqtt: a thermometer already on the broker (zigbee2mqtt, ESPHome, "
			 "Tasmota, Shelly).")),
	SENSOR("device", KEY_WORD, device, 0, 0, W1, EXAMPLE("28-0316a2795eff"),
	       HELP("The sensor's id (ls /sys/bus/w1/devices); unset: the only 28-* there is.")),
	SENSOR("name", KEY_STRING, sysfs_name, 0, 0, IIO | HWMON, EXAMPLE("dht11"),
	       HELP("The device's `name` attribute (dht11, bmp280, ...); or path.")),
	SENSOR("path", KEY_PATH, path, 0, 0, IIO | HWMON,
	       EXAMPLE("/sys/bus/iio/devices/iio:device0"),
	       HELP("The device's directory, instead of name.")),
	SENSOR("label", KEY_STRING, label, 0, 0, HWMON, EXAMPLE("ambient"),
	       HELP("Which tempN_input: the one with this tempN_label.")),
	SENSOR("index", KEY_INT, index, 1, 99, HWMON, DEFAULT_DOC("the lowest N there is"),
	       EXAMPLE("1"), HELP("Which tempN_input: N.")),
	SENSOR("topic", KEY_TOPIC, topic, 0, 0, S_MQTT, EXAMPLE("zigbee2mqtt/bedroom_thermometer"),
	       HELP("The thermometer's topic.")),
	SENSOR("json_key", KEY_STRING, json_key, 0, 0, S_MQTT, EXAMPLE("temperature"),
	       HELP("Where the value is in a JSON payload, a dot path: zigbee2mqtt "
		    "\"temperature\", Tasmota \"DS18B20.Temperature\", Shelly Gen2 \"tC\"; unset "
		    "for a plain number (ESPHome state topics).")),
	SENSOR("fahrenheit", KEY_BOOL, fahrenheit, 0, 0, S_MQTT, DEFAULT(false),
	       HELP("The device sends °F. A value that only the other unit makes a bedroom's "
		    "(66 taken as °C) is questioned in the journal, once a run.")),
	SENSOR("max_age", KEY_DURATION, max_age_usec, 10 * SEC, 24 * HOUR, S_MQTT, DEFAULT(HOUR),
	       HELP("A reading older than this counts as missing (and stale_after defaults to "
		    "it). Zigbee and Wi-Fi thermometers report on change: allow a quiet hour. "
		    "Until then a thermometer that stopped is heated on by its last reading: "
		    "for one that reports regularly, a few of its periods (5min). "
		    "No message at all on the topic for this long (at most 10 min) after "
		    "subscribing is a warning: a typo in the topic?")),
	SENSOR("interval", KEY_DURATION, interval_usec, 2 * SEC, HOUR, SYSFS, DEFAULT(MIN),
	       HELP("How often to read.")),
	SENSOR("stale_after", KEY_DURATION, stale_after_usec, 10 * SEC, 24 * HOUR, 0,
	       DEFAULT_DOC("3 x interval (sysfs), max_age (mqtt)"), EXAMPLE("3min"),
	       HELP("With no good reading for this long the sensor is stale: unavailable, with "
		    "the sensor_stale alert until it recovers.")),
	SENSOR("offset", KEY_DOUBLE, offset_c, -10, 10, 0, DEFAULT(0),
	       HELP("Calibration, °C, added to every reading.")),
	SENSOR("min", KEY_DOUBLE, min_c, -55, 125, 0,
	       DEFAULT(READING_CHECK_DEFAULT_MIN_MC / 1000.0),
	       HELP("Readings below this, °C, are rejected as implausible.")),
	SENSOR("max", KEY_DOUBLE, max_c, -55, 125, 0,
	       DEFAULT(READING_CHECK_DEFAULT_MAX_MC / 1000.0),
	       HELP("Readings above this, °C, are rejected as implausible.")),
	SENSOR("max_rate", KEY_DOUBLE, max_rate_c_per_min, 0, 100, 0,
	       DEFAULT(READING_CHECK_DEFAULT_MAX_RATE_MC_PER_MIN / 1000.0),
	       HELP("The fastest a real room changes, °C per minute; faster is rejected (0: no "
		    "check).")),
	SENSOR("stuck_after", KEY_DURATION, stuck_after_usec, 0, 30 * DAY, 0,
	       DEFAULT(READING_CHECK_DEFAULT_STUCK_USEC),
	       HELP("A value unchanged for longer is rejected as stuck (0: no check).")),
	ITEM_CHOICE("input", config_input, "type", type, config_input_type_names, 0,
		    EXAMPLE("gpio"),
		    HELP("gpio (a line of the Pi, through libgpiod) or mqtt (a device already on "
			 "the broker).")),
	ITEM_CHOICE("input", config_input, "role", role, input_role_names, 0, EXAMPLE("occupancy"),
		    HELP("occupancy (pressure mat, load-cell comparator), movement (vibration "
			 "sensor) or cramp_button (a bedside button: a press logs a cramp).")),
	INPUT("chip", KEY_STRING, chip, 0, 0, GPIO, DEFAULT_TEXT(INPUT_GPIO_DEFAULT_CHIP),
	      HELP("The GPIO chip: its name, label or /dev path.")),
	INPUT("line", KEY_STRING, gpio_line, 0, 0, GPIO, EXAMPLE("GPIO17"),
	      HELP("The line: its name or offset.")),
	INPUT("active_low", KEY_BOOL, active_low, 0, 0, GPIO, DEFAULT(false),
	      HELP("Active when the line is low (a button to ground with a pull-up).")),
	ITEM_CHOICE("input", config_input, "bias", bias, bias_names, GPIO,
		    DEFAULT(CONFIG_INPUT_BIAS_AS_IS),
		    HELP("as-is, pull-up, pull-down or disabled.")),
	INPUT("debounce", KEY_DURATION, debounce_usec, 0, 1 * SEC, GPIO, DEFAULT(20000),
	      HELP("Debounce by the kernel. Where the kernel refuses it for a line (some GPIO "
		   "expanders), the line is requested without it, said once in the journal, "
		   "and a cramp button is debounced by bedroomd instead.")),
	INPUT("topic", KEY_TOPIC, topic, 0, 0, I_MQTT, EXAMPLE("zigbee2mqtt/bed_sensor"),
	      HELP("The device's topic.")),
	INPUT("payload_on", KEY_STRING, payload_on, 0, 0, I_MQTT,
	      DEFAULT_TEXT(BED_PAYLOAD_DEFAULT_ON), HELP("The payload that means active.")),
	INPUT("payload_off", KEY_STRING, payload_off, 0, 0, I_MQTT,
	      DEFAULT_TEXT(BED_PAYLOAD_DEFAULT_OFF), HELP("The payload that means inactive.")),
	INPUT("json_key", KEY_STRING, json_key, 0, 0, I_MQTT, EXAMPLE("occupancy"),
	      HELP("Where the value is in a JSON payload (zigbee2mqtt \"occupancy\", "
		   "\"vibration\"); unset: the whole payload.")),
	INPUT("on_delay", KEY_DURATION, on_delay_usec, 0, 10 * MIN, 0, DEFAULT(5 * SEC),
	      HELP("Role occupancy: in bed after this long active.")),
	INPUT("off_delay", KEY_DURATION, off_delay_usec, 0, HOUR, 0, DEFAULT(45 * SEC),
	      HELP("Role occupancy: out of bed after this long inactive (turning over is not "
		   "leaving).")),
	INPUT("repeat_window", KEY_DURATION, repeat_window_usec, 0, HOUR, 0, DEFAULT(2 * MIN),
	      HELP("Role cramp_button: a press within this window of the last press is the "
		   "same cramp (a button pressed again and again, or a contact that "
		   "chatters, is one cramp while the presses keep coming).")),
	ITEM_CHOICE("input", config_input, "leg", leg, leg_names, 0, DEFAULT(CONFIG_LEG_UNKNOWN),
		    HELP("Role cramp_button: which leg, unknown, left or right.")),
	ITEM_CHOICE("heater", config_heater, "type", type, config_heater_type_names, 0,
		    EXAMPLE("tasmota"),
		    HELP("tasmota, shelly (Gen2 RPC), zigbee2mqtt or generic (topics and payloads "
			 "from the keys below).")),
	HEATER("topic", KEY_TOPIC, topic, 0, 0, BY_TOPIC, EXAMPLE("heater_bedroom"),
	       HELP("The device topic (tasmota: cmnd/<topic>/POWER), the MQTT prefix (shelly) or "
		    "the device's friendly name (zigbee2mqtt).")),
	HEATER("base_topic", KEY_TOPIC, base_topic, 0, 0, Z2M,
	       DEFAULT_TEXT(HEATER_DEFAULT_ZIGBEE2MQTT_BASE_TOPIC), HELP("The base topic.")),
	HEATER(
	    "switch_id", KEY_INT, switch_id, 0, 16, TASMOTA | SHELLY, DEFAULT(0),
	    HELP("The relay, 0 for POWER and N for POWERN (tasmota), or the switch id (shelly).")),
	HEATER("command_topic", KEY_TOPIC, command_topic, 0, 0, GENERIC, EXAMPLE("heater/set"),
	       HELP("Where commands go.")),
	HEATER("state_topic", KEY_TOPIC, state_topic, 0, 0, GENERIC, EXAMPLE("heater/state"),
	       HELP("Where the plug reports its relay.")),
	HEATER("availability_topic", KEY_TOPIC, availability_topic, 0, 0, GENERIC,
	       EXAMPLE("heater/availability"),
	       HELP("Where the plug says whether it is online; unset: it does not.")),
	HEATER("payload_on", KEY_STRING, payload_on, 0, 0, GENERIC,
	       DEFAULT_TEXT(HEATER_DEFAULT_PAYLOAD_ON), HELP("The command that switches on.")),
	HEATER("payload_off", KEY_STRING, payload_off, 0, 0, GENERIC,
	       DEFAULT_TEXT(HEATER_DEFAULT_PAYLOAD_OFF), HELP("The command that switches off.")),
	HEATER("state_on", KEY_STRING, state_on, 0, 0, GENERIC, DEFAULT_DOC("payload_on"),
	       EXAMPLE(HEATER_DEFAULT_PAYLOAD_ON), HELP("The state that means on.")),
	HEATER("state_off", KEY_STRING, state_off, 0, 0, GENERIC, DEFAULT_DOC("payload_off"),
	       EXAMPLE(HEATER_DEFAULT_PAYLOAD_OFF),
	       HELP("The state that means off. Another word on state_topic (a Shelly Gen1's "
		    "overpower) is neither: the plug is not taken as on, and heater_unconfirmed "
		    "is raised at once.")),
	HEATER("availability_online", KEY_STRING, availability_online, 0, 0, GENERIC,
	       DEFAULT_TEXT(HEATER_DEFAULT_AVAILABILITY_ONLINE),
	       HELP("The availability that means online; anything else is offline.")),
	HEATER("json_key", KEY_STRING, json_key, 0, 0, GENERIC, EXAMPLE("state"),
	       HELP("Where the state is in a JSON payload (a dot path); unset: the whole "
		    "payload.")),
	HEATER("power_json_key", KEY_STRING, power_json_key, 0, 0, GENERIC, EXAMPLE("power"),
	       HELP("Where the power (W) is in a JSON payload; unset: no power reports.")),
	HEATER("auto_off", KEY_DURATION, auto_off_usec, 0, 12 * HOUR, DEAD_MAN,
	       DEFAULT(HEATER_DEFAULT_AUTO_OFF_USEC),
	       HELP("Dead-man: every ON carries the plug's own auto-off (Tasmota PulseTime, Shelly "
		    "toggle_after, zigbee2mqtt on_time) and is re-sent before it runs out, so a "
		    "dead Pi leaves no heater on. 0: none (not recommended); else at least 1min "
		    "and twice confirm_timeout. A generic plug takes none: set its own auto-off in "
		    "its firmware.")),
	HEATER("confirm_timeout", KEY_DURATION, confirm_timeout_usec, 2 * SEC, 5 * MIN, 0,
	       DEFAULT(HEATER_DEFAULT_CONFIRM_TIMEOUT_USEC),
	       HELP("The plug must confirm a command within this, or it is re-sent and then "
		    "heater_unconfirmed is raised.")),
	HEATER("min_power", KEY_DOUBLE, min_power_w, 0, 10000, 0,
	       DEFAULT(HEATER_DEFAULT_MIN_POWER_W),
	       HELP("With a plug that reports power: less than this (W) while on means no "
		    "heat.")),
	REMINDER("enabled", KEY_BOOL, enabled, 0, 0, DEFAULT(true),
		 HELP("Sent or not: no keeps the section (and answers to it are still "
		      "recorded) but sends nothing.")),
	REMINDER("at", KEY_TIME_OF_DAY, at_s, 0, 0,
		 DEFAULT_DOC("08:00 for morning; foot_soak and stretch follow before_night; any "
			     "other needs at or before_night"),
		 EXAMPLE("21:30"),
		 HELP("When, local wall-clock time (HH:MM, or HH:MM:SS). Daylight saving time is "
		      "followed: a time the clocks skip comes when they skip it, one shown twice "
		      "comes the first time.")),
	REMINDER("before_night", KEY_DURATION, before_night_usec, 0,
		 REMINDER_BEFORE_NIGHT_MAX_S *SEC,
		 DEFAULT_DOC("30min for foot_soak, 15min for stretch"), EXAMPLE("30min"),
		 HELP("Or when: this long before the night window ([heating] night) starts, on "
		      "the wall clock. Not together with at.")),
	REMINDER("days", KEY_DAYS, days, 0, 0, DEFAULT(0x7f),
		 HELP("The days it is due: mon-sun, mon-fri, sat,sun, ... (a run due after "
		      "midnight belongs to the day it falls on).")),
	REMINDER("late_by", KEY_DURATION, late_by_usec, 0, REMINDER_LATE_BY_MAX_S *SEC,
		 DEFAULT(REMINDER_DEFAULT_LATE_BY_S *SEC),
		 HELP("A run that fell due while bedroomd was down (or the clock jumped) is sent "
		      "once if it is at most this late, else recorded as missed; never a burst of "
		      "old reminders.")),
	REMINDER("title", KEY_STRING, title, 0, 0,
		 DEFAULT_DOC("the built-in title of foot_soak, stretch and morning; its NAME for "
			     "any other"),
		 EXAMPLE("Warm foot soak"), HELP("The notification's title.")),
	REMINDER("message", KEY_STRING, message, 0, 0,
		 DEFAULT_DOC("the built-in wording of foot_soak, stretch and morning; any other "
			     "needs one"),
		 EXAMPLE("Time for a warm foot soak before bed."),
		 HELP("The notification's text.")),
	REMINDER("time_up_message", KEY_STRING, time_up_message, 0, 0,
		 DEFAULT_DOC("the built-in wording of foot_soak; \"Time's up.\" for any other"),
		 EXAMPLE("Time's up. Dry your feet well."),
		 HELP("With a timer: the text of the time's-up notification.")),
	REMINDER("actions", KEY_STRING, actions, 0, 0,
		 DEFAULT_DOC("started, done, snooze with a timer, else done, snooze, skip; none, "
			     "left, right for morning"),
		 EXAMPLE("done, snooze, skip"),
		 HELP("The notification's buttons, at most three (Android shows no more): "
		      "started, done, snooze, skip; for morning none, left, right, snooze, skip. "
		      "snooze is left out once the run has snoozed snooze_max times.")),
	REMINDER("timer", KEY_DURATION, timer_usec, 0, REMINDER_TIMER_MAX_S *SEC,
		 DEFAULT_DOC("15min for foot_soak, 0 (none) for any other"), EXAMPLE("15min"),
		 HELP("From started to a time's-up notification (a warm soak or compress: "
		      "40-45 °C, no more than 15 minutes); the phone counts it down. 0: none, "
		      "started ends the run.")),
	REMINDER("snooze", KEY_DURATION, snooze_usec, REMINDER_SNOOZE_MIN_S *SEC,
		 REMINDER_SNOOZE_MAX_S *SEC, DEFAULT(REMINDER_DEFAULT_SNOOZE_S *SEC),
		 HELP("A snooze brings the run back this much later, with the same id (1min to 2h "
		      "in use; seconds are for tests).")),
	REMINDER("snooze_max", KEY_INT, snooze_max, 0, REMINDER_SNOOZES_MAX,
		 DEFAULT(REMINDER_DEFAULT_SNOOZE_MAX), HELP("How often one run may be snoozed.")),
	REMINDER("repeat_every", KEY_DURATION, repeat_every_usec, REMINDER_REPEAT_EVERY_MIN_S *SEC,
		 REMINDER_REPEAT_EVERY_MAX_S *SEC, DEFAULT_DOC("15min; 4h for morning"),
		 EXAMPLE("15min"),
		 HELP("A run nobody answers comes again after this (seconds are for tests) ...")),
	REMINDER("repeat_max", KEY_INT, repeat_max, 0, REMINDER_REPEATS_MAX,
		 DEFAULT_DOC("1; 0 for morning"), EXAMPLE("1"),
		 HELP("... this many times; then, repeat_every later, it gives up quietly (the "
		      "phones take it off) and is recorded as ignored.")),
	REMINDER("skip_in_bed", KEY_BOOL, skip_in_bed, 0, 0, DEFAULT(false),
		 HELP("Not sent when the person is already in bed (needs an [input.NAME] with role "
		      "= occupancy); recorded as in_bed.")),
};

const size_t config_n_keys = sizeof(config_keys) / sizeof(config_keys[0]);
_Static_assert(sizeof(config_keys) / sizeof(config_keys[0]) <= CONFIG_MAX_KEYS,
	       "raise CONFIG_MAX_KEYS");

static const struct section_spec sections[] = {
	{ .kind = "daemon" },
	{ .kind = "mqtt" },
	{ .kind = "room" },
	{ .kind = "heating" },
	{ .kind = "cramps",
	  .help = "The cramp log: de-duplication, retention, and the advisories' wording, used "
		  "when the counts cross the lines doctors use. bedroomd counts; it never "
		  "diagnoses." },
	{ .kind = "homeassistant" },
	NAMED_SECTION("sensor", config_sensor, sensors, n_sensors, config_sensor_type_names,
		      .example = "bed",
		      .help = "Room thermometers: one [sensor.NAME] section each (NAME: letters, "
			      "digits, '_', '-'). Readings are checked (CRC, the DS18B20's 85 °C "
			      "power-on value, disconnected patterns, out-of-range values, "
			      "impossible jumps, a value stuck for hours)."),
	NAMED_SECTION("input", config_input, inputs, n_inputs, config_input_type_names,
		      .example = "mat",
		      .help = "Bed sensors and buttons: one [input.NAME] section each."),
	NAMED_SECTION("heater", config_heater, heaters, n_heaters, config_heater_type_names,
		      .example = "oil",
		      .help = "Heaters: one [heater.NAME] section per smart plug, staged in the "
			      "order of this file (the second joins when the first is not "
			      "enough). Heaters of different power: the stronger first (the "
			      "room model counts heaters, not watts). Set the plug's own "
			      "power-on state to off, so a power cut never leaves a heater on."),
	NAMED_SECTION_UNTYPED(
	    "reminder", config_reminder, reminders, n_reminders, .example = "foot_soak",
	    .name_rule = CONFIG_REMINDER_NAME_RULE,
	    .help =
		"Reminders on the phone, through Home Assistant (the blueprint in "
		"docs/blueprints/ turns <base>/event/reminder into notifications with buttons): "
		"one [reminder.NAME] section each, NAME being " CONFIG_REMINDER_NAME_RULE ". Three "
		"are known by name, and an empty section turns one on with its defaults: "
		"foot_soak (a warm foot soak 30 min before the night window, with a 15-minute "
		"timer), stretch (the calf stretch and ankle pumps, 15 min before the night) "
		"and morning (the question \"any cramps last night?\" at 08:00: an answer logs "
		"a cramp with an estimated time, or a night without). Without a section nothing "
		"is sent, so a fresh install does not nag; answers to foot_soak and stretch on "
		"<base>/reminder/NAME are recorded all the same. Any other NAME needs at or "
		"before_night, and a message.",
	    .examples = "[reminder.magnesium]\n"
			"at = 22:15\n"
			"title = Magnesium\n"
			"message = Magnesium with a glass of water, at bedtime.\n"
			"actions = done, snooze\n"
			"\n"
			"[reminder.dairy]\n"
			"at = 15:30\n"
			"days = mon-fri\n"
			"title = Dairy\n"
			"message = A glass of milk or a yogurt this afternoon.\n"
			"snooze = 30min"),
};

const struct section_spec *const config_sections = sections;
const size_t config_n_sections = sizeof(sections) / sizeof(sections[0]);

const char *config_sensor_type_to_string(enum config_sensor_type t)
{
	static const size_t n =
	    sizeof(config_sensor_type_names) / sizeof(config_sensor_type_names[0]);

	return (size_t) t < n ? config_sensor_type_names[t] : NULL;
}

bool config_has_input_role(const struct config *c, enum config_input_role role)
{
	for (size_t i = 0; i < c->n_inputs; i++)
		if (c->inputs[i].role == role)
			return true;
	return false;
}
