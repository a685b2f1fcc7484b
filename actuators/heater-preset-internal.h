#pragma once

/*
 * Inside the presets: the object every preset file fills, the ops table each
 * one provides, and helpers they share. Internal to actuators/.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actuators/heater-preset.h"
#include "sensors/json-path.h"

/* jansson's json_t, kept opaque so that no actuators/ header includes jansson. */
struct json_t;

#define HEATER_TOPICS_MAX 6

/* Every string copied at creation; owned. */
struct heater_strings {
	char *topic, *base_topic, *command_topic, *state_topic, *availability_topic;
	char *payload_on, *payload_off, *state_on, *state_off, *availability_online;
	char *json_key, *power_json_key, *client_id;
};

struct heater_preset {
	const struct heater_preset_ops *ops;
	struct heater_params p;          /* its strings point into s */
	struct heater_strings s;         /* owned copies */
	char *topics[HEATER_TOPICS_MAX]; /* owned; the first n_subscriptions are subscribed */
	unsigned n_subscriptions;
	char *command_topic;  /* owned */
	char *command_topic2; /* owned; tasmota: Backlog; zigbee2mqtt: /get */
	uint64_t next_id;     /* shelly: request ids */
	bool last_on;         /* shelly: what request next_id - 1 switched the relay to */
	/*
	 * zigbee2mqtt: whether the plug takes on_time, by the state read back
	 * after each ON with it (see heater-zigbee2mqtt.c).
	 */
	bool timed_on_unanswered;  /* an ON with on_time went out; no report of ON since */
	bool timed_on_off_heard;   /* and a report of OFF came after it */
	unsigned timed_on_ignored; /* ONs with on_time in a row answered OFF, never ON */
	bool timed_on_refused;     /* so ON goes without on_time now: no dead-man */
};

/*
 * A preset. setup() checks the params (in hp->p, defaults applied) and builds
 * hp->topics and the command topics: 0, -EINVAL, -ENOMEM. command() fills an
 * empty @ret: 0 or -ENOMEM. parse() gets a payload already checked for size
 * and emptiness and returns as heater_preset_parse(); it may remember what a
 * report told it (zigbee2mqtt: whether the plug takes on_time).
 */
struct heater_preset_ops {
	bool dead_man;
	int (*setup)(struct heater_preset *hp);
	int (*command)(struct heater_preset *hp, bool on, uint64_t auto_off_usec,
		       struct heater_messages *ret);
	int (*parse)(struct heater_preset *hp, const char *topic, const char *data, size_t len,
		     struct heater_update *ret);
};

/* One per file, registered by its line in HEATER_PRESETS. */
#define HEATER_PRESET_OPS_(id, name) extern const struct heater_preset_ops heater_preset_##name;
HEATER_PRESETS(HEATER_PRESET_OPS_)
#undef HEATER_PRESET_OPS_

/* malloc'd printf; NULL on failure. */
char *heater_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Appends a message with copies of @topic and @payload to @m: 0 or -ENOMEM. */
int heater_messages_add(struct heater_messages *m, const char *topic, const char *payload);

/* True when @s is non-empty, has no MQTT wildcard (+, #). */
bool heater_topic_valid(const char *s);

/* Adds a subscription topic built by printf: 0 or -ENOMEM. */
int heater_subscribe(struct heater_preset *hp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Index of @topic among hp->topics, or -1. */
int heater_topic_index(const struct heater_preset *hp, const char *topic);

/*
 * True when the @len bytes at @data, without surrounding ASCII whitespace,
 * are @word (ignoring ASCII case if @nocase).
 */
bool heater_payload_is(const char *data, size_t len, const char *word, bool nocase);

/*
 * Keeps the @len bytes at @data in @w as a word of @kind: without surrounding
 * ASCII whitespace, at most HEATER_WORD_MAX bytes of it.
 */
void heater_word_set(struct heater_word *w, enum heater_word_kind kind, const char *data,
		     size_t len);

/* Parses a JSON object: 0 and *ret (free with heater_json_free()), or -EBADMSG. */
int heater_json_load(const char *data, size_t len, struct json_t **ret);
void heater_json_free(struct json_t *root);

/* json_path_lookup() (sensors/json-path.h) finds a value by its key path. */

/*
 * A relay state in @v: a boolean, or a string equal to @on / @off (ignoring
 * ASCII case if @nocase). 0 and *ret, -EBADMSG for another string, -EINVAL for
 * another type. JSON null is HEATER_RELAY_UNKNOWN.
 */
int heater_json_relay(struct json_t *v, const char *on, const char *off, bool nocase,
		      enum heater_relay *ret);

/* A finite number in @v: 0 and *ret, or -EINVAL. */
int heater_json_number(struct json_t *v, double *ret);

/*
 * A reading beside the relay state (power, energy) in @v, NULL when the
 * message has none: a finite number sets *ret and *known; none, or JSON null
 * (zigbee2mqtt's "no value yet"), leaves both. Returns 0, or -EINVAL for
 * another type or a non-finite number, leaving both: the caller keeps the rest
 * of the message (one bad field must not cost a relay state, and with it a
 * confirmation).
 */
int heater_json_reading(struct json_t *v, double *ret, bool *known);
