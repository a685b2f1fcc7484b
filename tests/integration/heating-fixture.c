/* What the heating tests share: see heating-fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/integration/heating-fixture.h"

int heating_teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[400];

	process_stop(&f->sim);
	snprintf(cmd, sizeof(cmd), "tail -n 5 '%s' 2>/dev/null | sed 's/^/# sim: /' >&2",
		 f->sim_log);
	(void) system(cmd);
	harness_teardown(f->client, &f->daemon, &f->broker);
	if (f->sys[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->sys);
		(void) system(cmd);
	}
	free(f);
	return 0;
}

int write_config_heating(struct fixture *f, const char *heating, const char *more)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = heat%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[room]\nsysfs_root = %s\n"
		 "[heating]\nfloor = 18\nday_floor = 18\nmin_on = 0\nmin_off = 0\n%s"
		 "[sensor.bed]\ntype = w1\ninterval = 2s\nstale_after = 10s\nmax_rate = 0\n"
		 "[heater.oil]\ntype = tasmota\ntopic = %s\nconfirm_timeout = 2s\n%s",
		 (int) getpid(), f->broker.port, f->sys, heating, f->plug, more);
	return daemon_write_config(&f->daemon, text);
}

int write_config(struct fixture *f, const char *more)
{
	return write_config_heating(f, "", more);
}

int heating_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/heat%d", (int) getpid());
	snprintf(f->plug, sizeof(f->plug), "heater%d", (int) getpid());
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	snprintf(f->alert_topic, sizeof(f->alert_topic), "%s/event/alert", f->base);
	snprintf(f->sys, sizeof(f->sys), "%s/bedroomd-heat-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(f->sys) || harness_setup(&f->broker, &f->daemon, "#", &f->client) < 0) {
		heating_teardown(state);
		return -1;
	}
	snprintf(f->sim_log, sizeof(f->sim_log), "%s/sim.log", f->sys);
	return write_config(f, "") < 0 ? -1 : 0;
}

void start_sim(struct fixture *f, const char *initial, const char *extra_flag,
	       const char *extra_value)
{
	char broker[64];
	const char *argv[20] = { getenv("SIM_ROOM"),
				 "--broker",
				 broker,
				 "--tasmota",
				 f->plug,
				 "--sysfs",
				 f->sys,
				 "--outdoor",
				 "0",
				 "--initial",
				 initial,
				 "--tele-period",
				 "2" };
	size_t n = 13;

	snprintf(broker, sizeof(broker), "127.0.0.1:%d", f->broker.port);
	if (extra_flag) {
		argv[n++] = extra_flag;
		argv[n++] = extra_value;
	}
	assert_non_null(argv[0]);
	f->sim = process_start(argv, f->sim_log);
	assert_true(f->sim > 0);
}

void start_daemon(struct fixture *f)
{
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_int_equal(daemon_wait_notify(&f->daemon, "READY=1", 10000), 0);
}

void start_heating_cold(struct fixture *f)
{
	char stat[128];

	snprintf(stat, sizeof(stat), "stat/%s/POWER", f->plug);
	start_sim(f, "16", NULL, NULL);
	start_daemon(f);
	assert_non_null(client_wait(f->client, stat, "ON", 20000));
}
