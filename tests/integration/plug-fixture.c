/* What the tests that play a smart plug share: see plug-fixture.h. */
#include "tests/integration/plug-fixture.h"

#include <assert.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int plug_teardown(void **state)
{
	struct plug_fixture *p = *state;

	harness_teardown(p->client, &p->daemon, &p->broker);
	free(p);
	*state = NULL;
	return 0;
}

int plug_setup(void **state, size_t size, const char *node_prefix,
	       void (*answer)(void *fixture, const char *topic, const char *payload))
{
	struct plug_fixture *p;
	int pid = (int) getpid();

	assert(size >= sizeof(*p));
	p = calloc(1, size);
	if (!p)
		return -1;
	*state = p;
	p->daemon.notify_fd = -1;
	p->answer = answer;
	snprintf(p->node_id, sizeof(p->node_id), "%s%d", node_prefix, pid);
	snprintf(p->base, sizeof(p->base), "bedroomd/%s", p->node_id);
	snprintf(p->state_topic, sizeof(p->state_topic), "%s/state", p->base);
	snprintf(p->alert_topic, sizeof(p->alert_topic), "%s/event/alert", p->base);
	snprintf(p->thermo_topic, sizeof(p->thermo_topic), "test%d/thermometer", pid);
	if (harness_setup(&p->broker, &p->daemon, "#", &p->client) < 0) {
		plug_teardown(state);
		return -1;
	}
	return 0;
}

int plug_configure(void **state, const char *sensor_extra, const char *heaters)
{
	return plug_configure_heating(state, "", sensor_extra, heaters);
}

int plug_configure_heating(void **state, const char *heating_extra, const char *sensor_extra,
			   const char *heaters)
{
	struct plug_fixture *p = *state;
	char text[4096];
	int n;

	n = snprintf(text, sizeof(text),
		     "[daemon]\nnode_id = %s\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		     "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		     "[heating]\nfloor = 18\nday_floor = 18\nmin_on = 0\nmin_off = 0\n%s"
		     "[sensor.air]\ntype = mqtt\ntopic = %s\n%s%s",
		     p->node_id, p->broker.port, heating_extra, p->thermo_topic, sensor_extra,
		     heaters);
	/* A cut configuration would test something else: refused. */
	if (n < 0 || (size_t) n >= sizeof(text) || daemon_write_config(&p->daemon, text) < 0) {
		fprintf(stderr, "# cannot write the configuration\n");
		plug_teardown(state);
		return -1;
	}
	return 0;
}

void plug_start(struct plug_fixture *p)
{
	assert_int_equal(daemon_start_online(&p->daemon, p->client, p->base), 0);
}

void plug_reading(struct plug_fixture *p, const char *c, bool retain)
{
	assert_int_equal(client_publish(p->client, p->thermo_topic, c, retain), 0);
}

void plug_serve(struct plug_fixture *p, int ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		const struct message *m;
		size_t n;

		(void) client_wait(p->client, "test/nothing/comes/here", NULL, 100);
		n = client_messages(p->client, &m);
		for (; p->seen < n; p->seen++) {
			/* Copies: publishing may grow the array. */
			char *topic = strdup(m[p->seen].topic),
			     *payload = strdup(m[p->seen].payload);

			assert_non_null(topic);
			assert_non_null(payload);
			p->answer(p, topic, payload);
			free(topic);
			free(payload);
			n = client_messages(p->client, &m);
		}
	}
}
