#pragma once

/*
 * What the reload tests share: per test a broker, the daemon and a client on
 * everything, an MQTT thermometer and a generic plug the test plays (it
 * confirms each command on its state topic), the configuration they are
 * written into, and a SIGHUP that waits for the daemon's "reloaded".
 */

#include "tests/integration/harness.h"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char base[64];
	char state_topic[96];
	char thermo_topic[96];
	char set_topic[96], plug_state_topic[96];
};

/* What a test's configuration changes from the usual one (NULL: the usual). */
struct conf {
	const char *min_on, *min_off;
	const char *mqtt_extra;              /* more keys of [mqtt] */
	const char *sensor_extra;            /* more keys of [sensor.air] */
	const char *set_topic, *state_topic; /* the plug's: another plug */
	const char *state_dir;               /* else the harness's */
	const char *node_id;                 /* else reload<PID> */
	const char *extra;                   /* at the end of the file: a reload may add to it */
};

/* cmocka's setup and teardown: a broker, a prepared daemon and a client on "#". */
int reload_setup(void **state);
int reload_teardown(void **state);

/* Writes the usual configuration with what @c changes. */
void write_conf(struct fixture *f, const struct conf *c);
/* The usual one with @min_on, @min_off and @extra at the end of the file. */
void write_config(struct fixture *f, const char *min_on, const char *min_off, const char *extra);
/* Waits for the command @payload to the plug, then confirms it as the plug would. */
void plug_receives(struct fixture *f, const char *payload);
/* How many commands @payload the plug got so far. */
int commands(struct fixture *f, const char *payload);
/* A reading of @c (°C, as text) from the thermometer. */
void reading(struct fixture *f, const char *c);
/* A state that says @needle within 20 s (the room's minimum publish interval and some). */
void state_says(struct fixture *f, const char *needle);
/* SIGHUP, and waits for the daemon to say it reloaded. */
void reload(struct fixture *f);
/* Another plug's topics (the test's own): @set and @state of 96 bytes. */
void other_plug(char set[96], char state[96]);
/*
 * Started with the usual configuration, heating (the plug said ON), then the
 * broker stopped (f->client gone with it) and the daemon's loss of it seen.
 */
void heating_then_broker_away(struct fixture *f);
/* The broker back after heating_then_broker_away(), with a new f->client. */
void broker_back(struct fixture *f);
/* The plug let go while the broker was away is told OFF, says OFF, and is let go. */
void let_go_plug_seen_off(struct fixture *f);
