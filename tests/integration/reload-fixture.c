/* What the reload tests (test-reload*.c) share: see reload-fixture.h. */
#include "tests/integration/reload-fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int reload_teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(f->client, &f->daemon, &f->broker);
	free(f);
	return 0;
}

int reload_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int pid = (int) getpid();

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/reload%d", pid);
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	snprintf(f->thermo_topic, sizeof(f->thermo_topic), "test%d/thermometer", pid);
	snprintf(f->set_topic, sizeof(f->set_topic), "test%d/plug/set", pid);
	snprintf(f->plug_state_topic, sizeof(f->plug_state_topic), "test%d/plug/state", pid);
	if (harness_setup(&f->broker, &f->daemon, "#", &f->client) < 0) {
		reload_teardown(state);
		return -1;
	}
	return 0;
}

void write_conf(struct fixture *f, const struct conf *c)
{
	char text[2048], node_id[64];

	snprintf(node_id, sizeof(node_id), "reload%d", (int) getpid());
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = %s\nstate_dir = %s\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n%s"
		 "[heating]\nfloor = 18\nday_floor = 18\nmin_on = %s\nmin_off = %s\n"
		 "[sensor.air]\ntype = mqtt\ntopic = %s\nmax_rate = 0\n%s"
		 "[heater.plug]\ntype = generic\ncommand_topic = %s\nstate_topic = %s\n%s",
		 c->node_id ? c->node_id : node_id, c->state_dir ? c->state_dir : "@STATE_DIR@",
		 f->broker.port, c->mqtt_extra ? c->mqtt_extra : "", c->min_on ? c->min_on : "0",
		 c->min_off ? c->min_off : "0", f->thermo_topic,
		 c->sensor_extra ? c->sensor_extra : "", c->set_topic ? c->set_topic : f->set_topic,
		 c->state_topic ? c->state_topic : f->plug_state_topic, c->extra ? c->extra : "");
	assert_int_equal(daemon_write_config(&f->daemon, text), 0);
}

void write_config(struct fixture *f, const char *min_on, const char *min_off, const char *extra)
{
	write_conf(f, &(struct conf){ .min_on = min_on, .min_off = min_off, .extra = extra });
}

/* Waits for the command @payload to the plug, then confirms it as the plug would. */
void plug_receives(struct fixture *f, const char *payload)
{
	assert_non_null(client_wait(f->client, f->set_topic, payload, 10000));
	assert_int_equal(client_publish(f->client, f->plug_state_topic, payload, true), 0);
}

/* How many commands @payload the plug got so far. */
int commands(struct fixture *f, const char *payload)
{
	return (int) client_count(f->client, f->set_topic, payload);
}

void reading(struct fixture *f, const char *c)
{
	assert_int_equal(client_publish(f->client, f->thermo_topic, c, false), 0);
}

/*
 * A state that says @needle: within the room's minimum publish interval (10 s)
 * and some.
 */
void state_says(struct fixture *f, const char *needle)
{
	char want[128];

	snprintf(want, sizeof(want), "~%s", needle);
	if (!client_wait(f->client, f->state_topic, want, 20000)) {
		const struct message *m;
		size_t n = client_messages(f->client, &m);

		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "# %s %s\n", m[i].topic, m[i].payload);
		fail_msg("no state with %s", needle);
	}
}

void reload(struct fixture *f)
{
	char *log;
	int before;

	log = daemon_stderr(&f->daemon);
	assert_non_null(log);
	before = 0;
	for (const char *p = log; (p = strstr(p, "reloaded '")); p++)
		before++;
	free(log);
	assert_int_equal(kill(f->daemon.pid, SIGHUP), 0);
	for (long long end = now_ms() + 10000;; usleep(20 * 1000)) {
		int now = 0;

		log = daemon_stderr(&f->daemon);
		for (const char *p = log; log && (p = strstr(p, "reloaded '")); p++)
			now++;
		free(log);
		if (now > before)
			return;
		assert_true(now_ms() < end);
	}
}

void other_plug(char set[96], char state[96])
{
	snprintf(set, 96, "test%d/plug2/set", (int) getpid());
	snprintf(state, 96, "test%d/plug2/state", (int) getpid());
}

void heating_then_broker_away(struct fixture *f)
{
	write_conf(f, &(struct conf){ 0 });
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	f->client = client_free(f->client);
	broker_stop(&f->broker);
	assert_int_equal(daemon_wait_log(&f->daemon, "connection to MQTT broker", 30000), 0);
}

void broker_back(struct fixture *f)
{
	assert_int_equal(broker_restart(&f->broker), 0);
	assert_int_equal(client_new(&f->broker, "#", &f->client), 0);
}

void let_go_plug_seen_off(struct fixture *f)
{
	/* The daemon's reconnect back-off has grown while the broker was away. */
	assert_non_null(client_wait(f->client, f->set_topic, "OFF", 75000));
	assert_int_equal(client_publish(f->client, f->plug_state_topic, "OFF", true), 0);
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "heater.plug (old plug): let go by a reload, it says OFF",
					 10000),
			 0);
}
