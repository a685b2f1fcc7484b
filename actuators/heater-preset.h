#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actuators/heater-types.h"

/*
 * Heater presets: what a smart plug of a given kind wants to hear on MQTT and
 * what it says back. Pure: no clock, no I/O, no logging. The caller publishes
 * the messages (QoS 0, never retained), subscribes to the topics and feeds
 * every message arriving on them to heater_preset_parse().
 *
 * One file per preset behind an ops table chosen by type, each registered by
 * its line in HEATER_PRESETS (actuators/heater-types.h):
 *   heater-tasmota.c     cmnd/<topic>/POWER, PulseTime dead-man
 *   heater-shelly.c      Gen2/Gen3 JSON-RPC Switch.Set on <prefix>/rpc, toggle_after
 *   heater-zigbee2mqtt.c <base>/<name>/set {"state":"ON","on_time":s}
 *   heater-generic.c     topics and payloads from the configuration
 */

/*
 * One [heater.NAME] section. Strings are borrowed: heater_preset_new() and
 * heater_new() copy what they keep. heater_params_init() fills the defaults
 * shown; NULL strings take the defaults shown.
 */
struct heater_params {
	enum heater_type type;
	const char *topic;         /* tasmota: device topic; shelly: prefix; zigbee2mqtt: name */
	const char *base_topic;    /* zigbee2mqtt: NULL means "zigbee2mqtt" */
	int switch_id;             /* shelly: switch id (0); tasmota: 0 POWER, N POWERN (0..32) */
	const char *command_topic; /* generic, required */
	const char *state_topic;   /* generic, required: no state, no confirmation */
	const char *availability_topic;       /* generic, optional */
	const char *payload_on, *payload_off; /* generic: "ON", "OFF" */
	const char *state_on, *state_off;     /* generic: payload_on, payload_off */
	const char *availability_online;      /* generic: "online"; anything else is offline */
	const char *json_key;                 /* generic: dot path of the state; NULL: payload */
	const char *power_json_key;           /* generic: dot path of the power (W); NULL: none */
	const char *client_id;                /* shelly: "src" of requests; NULL: "bedroomd" */
	uint64_t auto_off_usec;               /* dead-man sent with every ON: 10 min; 0: none */
	uint64_t confirm_timeout_usec;        /* the plug confirms within this: 15 s */
	unsigned retries;                     /* re-sends before heater_unconfirmed: 2 */
	uint64_t unconfirmed_retry_usec;      /* then re-sends this often: 60 s */
	double min_power_w;                   /* on, power below this: no heat: 20 W */
	uint64_t no_power_usec;               /* for this long: no_power: 120 s */
};

void heater_params_init(struct heater_params *p, enum heater_type type);

/* Whether @a and @b make the same heater (every field alike, strings by content). */
bool heater_params_equal(const struct heater_params *a, const struct heater_params *b);

/*
 * Whether @a and @b address the same plug (type, device, switch, command topic),
 * whatever else of theirs differs.
 */
bool heater_params_same_plug(const struct heater_params *a, const struct heater_params *b);

/*
 * The plug of @p as one string, for keeping a plug after its heater is gone:
 * two keys are equal exactly when heater_params_same_plug() says so. NULL: no
 * memory. Free it.
 */
char *heater_params_plug_key(const struct heater_params *p);

/* How long after a command a plug that never answers is heater_unconfirmed: every try's timeout. */
uint64_t heater_params_unconfirmed_after_usec(const struct heater_params *p);

/* The name of HEATER_PRESETS: "tasmota", "shelly", ...; NULL if invalid. */
const char *heater_type_to_string(enum heater_type t);

/* The type called @s; 0 and *ret, or -EINVAL (and *ret untouched). */
int heater_type_from_string(const char *s, enum heater_type *ret);

/* What a plug reported about its relay. */
enum heater_relay {
	HEATER_RELAY_UNKNOWN, /* not said */
	HEATER_RELAY_OFF,
	HEATER_RELAY_ON,
};

enum heater_availability {
	HEATER_AVAILABILITY_UNKNOWN, /* not said */
	HEATER_AVAILABILITY_ONLINE,
	HEATER_AVAILABILITY_OFFLINE,
};

/* What a plug said that bedroomd does not take as a relay state or a reading. */
enum heater_word_kind {
	HEATER_WORD_NONE,
	/*
	 * On the state topic, a word that is neither on nor off (generic: neither
	 * state_on nor state_off; a Shelly Gen1's "overpower"): the relay is not
	 * known, and the plug not taken as on.
	 */
	HEATER_WORD_STATE,
	/* The device's error in reply to the last command (Shelly): it was refused. */
	HEATER_WORD_ERROR,
};

/* The most of a plug's word kept (it comes from the network). */
#define HEATER_WORD_MAX 64

/*
 * That word, for the journal: its first HEATER_WORD_MAX bytes without
 * surrounding whitespace (any bytes, not NUL-terminated: @len counts them),
 * and with HEATER_WORD_ERROR the device's error code when it gave one.
 */
struct heater_word {
	enum heater_word_kind kind;
	bool code_known;
	long long code;
	size_t len;
	char text[HEATER_WORD_MAX];
};

/* What one incoming message said; every field may be unknown. */
struct heater_update {
	enum heater_relay relay;
	enum heater_availability availability;
	bool power_known;
	double power_w;
	bool energy_known;
	double energy_kwh;       /* the plug's own counter, since whenever it started */
	struct heater_word word; /* relay stays UNKNOWN with it */
};

/* Payloads larger than this are refused before parsing. */
#define HEATER_PAYLOAD_MAX 16384

/* At most this many messages make one command. */
#define HEATER_MESSAGES_MAX 2

/* A message to publish with QoS 0, not retained. Both strings are NUL-terminated. */
struct heater_message {
	char *topic;
	char *payload;
};

/* A command: messages to publish in order. Strings are owned; free with _clear(). */
struct heater_messages {
	unsigned n;
	struct heater_message m[HEATER_MESSAGES_MAX];
};

/* Frees the strings of @m and empties it; accepts NULL. */
void heater_messages_clear(struct heater_messages *m);

struct heater_preset;

/*
 * Checks @p for its type and builds the topics. Returns 0 and *ret, or -EINVAL
 * (a required topic missing or empty, a topic with a wildcard or NUL, switch_id
 * out of range), -ENOMEM.
 */
int heater_preset_new(const struct heater_params *p, struct heater_preset **ret);

/* Frees @hp; accepts NULL; returns NULL. */
struct heater_preset *heater_preset_free(struct heater_preset *hp);

enum heater_type heater_preset_type(const struct heater_preset *hp);

/* How many topics to subscribe to (QoS 1), and the @i-th; owned by @hp. */
unsigned heater_preset_n_subscriptions(const struct heater_preset *hp);
const char *heater_preset_subscription(const struct heater_preset *hp, unsigned i);

/*
 * True when the plug switches itself off after the auto_off_usec sent with ON.
 * It may turn false once, when the plug shows it ignores its auto-off (a
 * zigbee2mqtt plug that ignores on_time): its ON goes without it from then on.
 */
bool heater_preset_has_dead_man(const struct heater_preset *hp);

/*
 * Builds the command that switches the relay @on, with the plug's own auto-off
 * after @auto_off_usec (0: none; ignored for OFF and by presets without a
 * dead-man). Returns 0 and fills *ret (which must be empty: n == 0), or
 * -ENOMEM leaving *ret empty. Not const: Shelly numbers its requests, zigbee2mqtt
 * remembers an ON with on_time to check the state read back.
 */
int heater_preset_command(struct heater_preset *hp, bool on, uint64_t auto_off_usec,
			  struct heater_messages *ret);

/*
 * Parses a message that arrived on @topic (NUL-terminated) with the @len bytes
 * at @data (any bytes, not NUL-terminated). Returns 0 and fills *ret (fields
 * the message does not speak of stay unknown), or leaves *ret untouched and
 * returns -ENOENT (not one of this plug's topics), -EMSGSIZE (larger than
 * HEATER_PAYLOAD_MAX), -ENODATA (empty), -EBADMSG (not JSON where JSON is
 * expected, or a word that means nothing here), -EINVAL (a field of the wrong
 * JSON type or a non-finite number). A power or energy reading that cannot be
 * read is left unknown instead, unless the message says nothing else. A word
 * the plug means but bedroomd does not take (generic: a state neither state_on
 * nor state_off; Shelly: an error in reply to the last command) is no failure:
 * 0, with ret->word. Not
 * const: a preset may learn from a report (zigbee2mqtt: whether on_time holds).
 */
int heater_preset_parse(struct heater_preset *hp, const char *topic, const void *data, size_t len,
			struct heater_update *ret);
