#pragma once
/*
 * What the heating tests share: per test a broker, the daemon, a client on "#"
 * and the simulated room (tools/sim-room) as the DS18B20 on a fake sysfs tree
 * and a Tasmota plug on the broker.
 */
#include <sys/types.h>

#include "tests/integration/harness.h"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	pid_t sim;
	char sys[128];
	char plug[64];
	char base[64];
	char state_topic[96];
	char alert_topic[96];
	char sim_log[160];
};

/* cmocka's setup and teardown: the broker, a prepared daemon (write_config(f, "")), the client. */
int heating_setup(void **state);
int heating_teardown(void **state);

/*
 * The daemon's config: the simulated room's sensor and plug, @heating (more
 * keys of [heating]), then @more (more sections). The floor holds all day
 * here, so the tests do not depend on the clock.
 */
int write_config_heating(struct fixture *f, const char *heating, const char *more);
int write_config(struct fixture *f, const char *more);

/* The simulated room at @initial °C, with one more flag and its value (or NULL). */
void start_sim(struct fixture *f, const char *initial, const char *extra_flag,
	       const char *extra_value);
/* The daemon, up to READY=1. */
void start_daemon(struct fixture *f);
/* A cold room (16 °C) and the daemon: returns once the plug says it is ON. */
void start_heating_cold(struct fixture *f);
