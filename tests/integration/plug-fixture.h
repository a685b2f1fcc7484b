#pragma once

/*
 * What the tests that play a smart plug share (test-plug-generic.c,
 * test-plug-tasmota.c, test-plug-zigbee2mqtt.c, test-shelly.c,
 * test-room-hot-jump.c): per test a broker, the daemon and a client on
 * everything; a configuration with one MQTT thermometer (the test) and the
 * test's heaters; and a loop that hands the test each message while it plays
 * the plug.
 *
 * A test's own fixture starts with a struct plug_fixture, so that the cmocka
 * state is both: plug_setup() allocates the whole of it.
 */

#include <stdbool.h>
#include <stddef.h>

#include "tests/integration/harness.h"

struct plug_fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char node_id[48];
	char base[64];         /* bedroomd/<node_id> */
	char state_topic[96];  /* <base>/state */
	char alert_topic[96];  /* <base>/event/alert */
	char thermo_topic[96]; /* the thermometer's, sensor.air */
	/*
	 * What the test's plug does with a message (@topic and @payload are
	 * copies: it may publish) during plug_serve(); @fixture is the test's own
	 * fixture. Every message comes, the daemon's own too.
	 */
	void (*answer)(void *fixture, const char *topic, const char *payload);
	size_t seen; /* messages handed to answer */
};

/*
 * cmocka's setup: allocates @size bytes (the test's fixture, a struct
 * plug_fixture first) into *@state, names the node <@node_prefix><PID>, keeps
 * @answer, starts the broker, prepares the daemon and connects the client on
 * "#". 0, or -1 with nothing left behind.
 */
int plug_setup(void **state, size_t size, const char *node_prefix,
	       void (*answer)(void *fixture, const char *topic, const char *payload));

/*
 * Writes the configuration: the node, the broker, a floor of 18 °C with no
 * minimum on and off times, [sensor.air] on the thermometer's topic with
 * @sensor_extra (more keys, "" for none), then @heaters (their sections). 0,
 * or -1 having torn the fixture down (the end of a cmocka setup).
 */
int plug_configure(void **state, const char *sensor_extra, const char *heaters);
/* As plug_configure(), with @heating_extra lines in [heating]. */
int plug_configure_heating(void **state, const char *heating_extra, const char *sensor_extra,
			   const char *heaters);

/* cmocka's teardown: prints the daemon's stderr, stops all and frees the fixture. */
int plug_teardown(void **state);

/* Starts the daemon and waits until it is ready and online. */
void plug_start(struct plug_fixture *p);

/* A reading of @c (°C, as text) from the thermometer, retained if @retain. */
void plug_reading(struct plug_fixture *p, const char *c, bool retain);

/*
 * Plays the plug for @ms: hands answer every message from the one numbered
 * seen on, in order of arrival (after a client_clear(), set seen to 0).
 */
void plug_serve(struct plug_fixture *p, int ms);
