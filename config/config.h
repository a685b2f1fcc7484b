#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "actuators/heater-types.h"
#include "sensors/sensor-types.h"

/*
 * The daemon's configuration: an INI file read through inih. Plain data, owned
 * by whoever called config_load(); every string is owned by the config.
 */

#define CONFIG_DEFAULT_PATH "/etc/bedroomd/bedroomd.conf"

/* Exit status for a configuration error (EX_CONFIG of sysexits.h). */
#define CONFIG_EXIT_STATUS 78

enum config_log_level {
	CONFIG_LOG_LEVEL_ERROR,
	CONFIG_LOG_LEVEL_WARNING,
	CONFIG_LOG_LEVEL_INFO,
	CONFIG_LOG_LEVEL_DEBUG,
};

struct config_daemon {
	char *node_id;   /* keeps rooms apart on the broker and in Home Assistant */
	char *state_dir; /* where the SQLite store lives */
	enum config_log_level log_level;
};

struct config_mqtt {
	char *host;
	int port;
	char *client_id;
	char *base_topic;
	int keepalive_s;
	char *username;
	char *password_file;
	char *password; /* read from password_file at load time, never from the INI itself */
	char *ca_file;  /* TLS is on when set */
	char *cert_file;
	char *key_file;
	/* A command whose own "time" is older is ignored (a replay); 0: no limit. */
	unsigned long long command_max_age_usec;
};

/* CONFIG_SENSOR_TYPE_W1, ...: the lines of SENSOR_TYPES (sensors/sensor-types.h), in order. */
#define CONFIG_SENSOR_TYPE_(id, name) CONFIG_SENSOR_TYPE_##id,
enum config_sensor_type { SENSOR_TYPES(CONFIG_SENSOR_TYPE_) };
#undef CONFIG_SENSOR_TYPE_

/* One [sensor.NAME] section: a room thermometer. */
struct config_sensor {
	char *name;    /* NAME of the section */
	unsigned line; /* of the section's header, for messages */
	enum config_sensor_type type;
	char *device;     /* w1: "28-..." id; unset: the only one there is */
	char *sysfs_name; /* iio, hwmon: the device's `name` attribute (key "name") */
	char *path;       /* iio, hwmon: the device's directory instead */
	char *label;      /* hwmon: tempN_label to use */
	int index;        /* hwmon: N of tempN_input; 0: the lowest */
	char *topic;      /* mqtt */
	char *json_key;   /* mqtt: dot path into a JSON payload; unset: plain number */
	bool fahrenheit;  /* mqtt: the device sends °F */
	unsigned long long max_age_usec; /* mqtt: older readings count as missing */
	unsigned long long interval_usec;
	unsigned long long stale_after_usec; /* default 3 x interval */
	double offset_c;                     /* calibration, added to every reading */
	double min_c, max_c;                 /* plausible range */
	double max_rate_c_per_min;           /* faster changes are rejected; 0: no check */
	unsigned long long stuck_after_usec; /* unchanged longer is rejected; 0: no check */
};

enum config_room_aggregate {
	CONFIG_ROOM_AGGREGATE_MIN, /* the coldest healthy sensor */
	CONFIG_ROOM_AGGREGATE_MEAN,
	CONFIG_ROOM_AGGREGATE_FIRST, /* the first healthy one, in file order */
};

struct config_room {
	char *sysfs_root;
	enum config_room_aggregate aggregate;
	double publish_step_c;               /* re-publish on a change this large */
	unsigned long long publish_max_usec; /* and at least this often */
};

enum config_input_type {
	CONFIG_INPUT_TYPE_GPIO,
	CONFIG_INPUT_TYPE_MQTT,
};

enum config_input_role {
	CONFIG_INPUT_ROLE_OCCUPANCY,    /* a pressure mat or load-cell comparator */
	CONFIG_INPUT_ROLE_MOVEMENT,     /* a vibration sensor */
	CONFIG_INPUT_ROLE_CRAMP_BUTTON, /* a bedside button */
};

enum config_input_bias {
	CONFIG_INPUT_BIAS_AS_IS,
	CONFIG_INPUT_BIAS_PULL_UP,
	CONFIG_INPUT_BIAS_PULL_DOWN,
	CONFIG_INPUT_BIAS_DISABLED,
};

enum config_leg {
	CONFIG_LEG_UNKNOWN,
	CONFIG_LEG_LEFT,
	CONFIG_LEG_RIGHT,
};

/* One [input.NAME] section: a bed sensor or button, on GPIO or from MQTT. */
struct config_input {
	char *name;
	unsigned line;
	enum config_input_type type;
	enum config_input_role role;
	char *chip;      /* gpio: name, label or path; default gpiochip0 */
	char *gpio_line; /* gpio: a line name (GPIO17) or offset (key "line") */
	bool active_low;
	enum config_input_bias bias;
	unsigned long long debounce_usec;
	char *topic; /* mqtt */
	char *payload_on, *payload_off;
	char *json_key;
	unsigned long long on_delay_usec;      /* occupancy */
	unsigned long long off_delay_usec;     /* occupancy */
	unsigned long long repeat_window_usec; /* cramp_button: presses within are one cramp */
	enum config_leg leg;                   /* cramp_button */
};

/* One [heater.NAME] section: a smart plug with a heater, staged in file order. */
struct config_heater {
	char *name;
	unsigned line;
	enum heater_type type; /* HEATER_PRESETS (actuators/heater-types.h) */
	char *topic;      /* tasmota: device topic; shelly: prefix; zigbee2mqtt: friendly name */
	char *base_topic; /* zigbee2mqtt: default zigbee2mqtt */
	int switch_id;    /* shelly: switch id; tasmota: relay (0: POWER, N: POWERN) */
	char *command_topic, *state_topic, *availability_topic; /* generic */
	char *payload_on, *payload_off;                         /* generic */
	char *state_on, *state_off;                             /* generic */
	char *availability_online;                              /* generic */
	char *json_key, *power_json_key;                        /* generic */
	unsigned long long auto_off_usec;        /* dead-man sent with every ON; 0: none */
	unsigned long long confirm_timeout_usec; /* the plug must confirm within this */
	double min_power_w; /* with power reports: less while on means no heat */
};

enum config_heating_mode {
	CONFIG_HEATING_MODE_HEAT,
	CONFIG_HEATING_MODE_OFF,
};

struct config_heating {
	enum config_heating_mode mode;   /* at first start; later changes are kept in the store */
	double floor_c;                  /* the night floor */
	double floor_min_c, floor_max_c; /* bounds for <base>/set/floor */
	double day_floor_c;              /* outside the night window; NAN: no floor */
	int night_start_min, night_end_min; /* local time, minutes after midnight */
	unsigned long long min_on_usec, min_off_usec, max_on_usec;
	unsigned long long no_effect_usec; /* on this long without warming: alert */
	unsigned long long preheat_max_usec;
	double overheat_c;
	double fallback_duty; /* heating duty while the temperature is unknown; 0: off */
	char *outdoor_topic;  /* an outdoor thermometer on the broker, for pre-heat */
	char *outdoor_json_key;
};

/* The cramp log: de-duplication, retention, and the wording of the advisories. */
struct config_cramps {
	unsigned long long dedup_window_usec; /* reports of one leg within it are one cramp */
	unsigned long long retention_usec;    /* older delivered cramps are deleted; 0: keep */
	char *frequency_message;              /* NULL: the built-in wording */
	char *one_sided_message;
	char *spread_message;
	/* Suspected cramps from a movement pattern in bed (opt-in): */
	bool suspect_from_movement;
	int suspect_movements;                       /* at least this many movements ... */
	unsigned long long suspect_within_usec;      /* ... within this ... */
	unsigned long long suspect_after_quiet_usec; /* ... after this much calm ... */
	unsigned long long suspect_min_in_bed_usec;  /* ... in bed this long */
	unsigned long long confirm_window_usec; /* a report this near a suspected one confirms it */
};

/* A duration key that is not set (before_night of a reminder timed with at). */
#define CONFIG_DURATION_UNSET (~0ULL)

/*
 * One [reminder.NAME] section: a reminder on the phone. foot_soak, stretch
 * and morning (the follow-up "any cramps last night?") have defaults of
 * their own (control/reminder-defaults.h), filled in here; their wording, when
 * not set, is the daemon's (control/reminder-names.c).
 */
struct config_reminder {
	char *name;
	unsigned line;
	bool enabled;
	int at_s;                                /* local second of the day; -1: not set */
	unsigned long long before_night_usec;    /* or this long before the night; or UNSET */
	unsigned days;                           /* bit 0 Monday ... bit 6 Sunday */
	unsigned long long late_by_usec;         /* a run due this late is still sent */
	char *title, *message, *time_up_message; /* NULL: the built-in wording */
	char *actions;                           /* "started, done, snooze"; NULL: the default */
	unsigned long long timer_usec;           /* started to time's up; 0: none */
	unsigned long long snooze_usec;
	int snooze_max;
	unsigned long long repeat_every_usec; /* unanswered: again after this ... */
	int repeat_max;                       /* ... this many times, then it gives up */
	bool skip_in_bed;                     /* already in bed: not sent */
};

/* Home Assistant's MQTT discovery: one device with its entities. */
struct config_homeassistant {
	bool discovery;         /* publish discovery configs; no: publish (and remove) nothing */
	char *discovery_prefix; /* homeassistant */
	char *status_topic;     /* Home Assistant's birth message: "online" re-announces */
	char *device_name;      /* default: from node_id ("guest-room": "Guest room") */
};

struct config {
	char *path;
	struct config_daemon daemon;
	struct config_mqtt mqtt;
	struct config_room room;
	struct config_heating heating;
	struct config_cramps cramps;
	struct config_homeassistant homeassistant;
	struct config_sensor *sensors; /* in file order */
	size_t n_sensors;
	struct config_input *inputs;
	size_t n_inputs;
	struct config_heater *heaters;
	size_t n_heaters;
	struct config_reminder *reminders; /* in file order */
	size_t n_reminders;
	char *warnings; /* "FILE:LINE: message\n" lines: loaded, but worth a warning; or NULL */
};

/*
 * Reads and checks the file at @path. On success returns 0 and a new config in
 * *ret (free it with config_free()). On failure returns a negative errno
 * (-ENOENT, -EACCES, ... for an unreadable file, -EINVAL for bad contents) and
 * puts a newly allocated message in *ret_error, which the caller frees: one
 * line "FILE:LINE: what is wrong" for each problem found (every key's own, up
 * to 10, then "FILE: N more errors"). Nothing else is touched on failure.
 */
int config_load(const char *path, struct config **ret, char **ret_error);

/* Frees @c and everything it owns; accepts NULL; returns NULL. */
struct config *config_free(struct config *c);

/*
 * Writes every effective setting as INI to @f, secrets masked. The output
 * parses back to an equal config. Returns 0 or a negative errno.
 */
int config_dump(const struct config *c, FILE *f);

/*
 * Whether every key of a section of kind @kind ("mqtt", "sensor", ...) is the
 * same in @a and @b: whole configs for a plain section, items for a named one
 * (their name and type included, not their line). Made from the key table, so
 * a new key is compared without another line anywhere.
 */
bool config_section_equal(const char *kind, const void *a, const void *b);

/*
 * The buttons of @r's `actions`, as indices into REMINDER_ACTIONS
 * (control/reminder-defaults.h, the order of enum reminder_action), in the
 * order given. Returns how many (0: not set, the default choice), or -EINVAL.
 */
int config_reminder_actions(const struct config_reminder *r, int ret[static 3]);

/* The name of a sensor type ("w1", ...), as `type =` spells it; NULL if invalid. */
const char *config_sensor_type_to_string(enum config_sensor_type t);

/* Whether any [input.*] has @role (an occupancy input: whether "in bed" can be known). */
bool config_has_input_role(const struct config *c, enum config_input_role role);
