/*
 * The reminders' integration tests' shared fixture (reminders-fixture.h): the
 * helpers here were test-reminders.c's before it was split by purpose.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/integration/reminders-fixture.h"

int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(f->client, &f->daemon, &f->broker);
	free(f);
	return 0;
}

int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->node, sizeof(f->node), "rm%d", (int) getpid());
	snprintf(f->base, sizeof(f->base), "bedroomd/%s", f->node);
	snprintf(f->event_topic, sizeof(f->event_topic), "%s/event/reminder", f->base);
	snprintf(f->answer_topic, sizeof(f->answer_topic), "%s/reminder/foot_soak", f->base);
	if (harness_setup(&f->broker, &f->daemon, "bedroomd/#", &f->client) < 0) {
		fixture_teardown(state);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/bedroomd.db", f->daemon.state_dir);
	return 0;
}

/*
 * Writes the config: reminder @name due @in_s seconds from now (local wall
 * time, as the daemon reads it), with @extra keys for its section.
 */
void fixture_configure_reminder(struct fixture *f, const char *name, int in_s, const char *extra)
{
	char text[1024], at[16], dir[256];
	time_t now = time(NULL);

	if (in_s >= 0)
		f->at = now + in_s;
	local_time_in((int) (f->at - now), at, sizeof(at));
	/* A directory below a file: mkdir fails with ENOTDIR, root or not. */
	snprintf(dir, sizeof(dir), "%s/bedroomd.conf/state", f->daemon.dir);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = %s\nstate_dir = %s\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n",
		 f->node,
		 f->no_store    ? dir
		 : f->state_dir ? f->state_dir
				: "@STATE_DIR@",
		 f->broker.port);
	if (name)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "[reminder.%s]\nat = %s\n%s", name, at, extra);
	assert_int_equal(daemon_write_config(&f->daemon, text), 0);
}

void fixture_configure(struct fixture *f, int in_s, const char *extra)
{
	fixture_configure_reminder(f, "foot_soak", in_s, extra);
}

void fixture_start(struct fixture *f)
{
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
}

/* The opening most tests share: up to the first due, whose run id f->id keeps. */
void fixture_start_until_due(struct fixture *f, int in_s, const char *extra)
{
	json_t *e;

	fixture_configure(f, in_s, extra);
	fixture_start(f);
	e = fixture_wait_event(f, "due", 1, 15000);
	fixture_remember_id(f, e);
	json_decref(e);
}

/* Waits for an event of @state (and @attempt, when not 0); returns it as JSON (caller frees). */
json_t *fixture_wait_event(struct fixture *f, const char *state, int attempt, int timeout_ms)
{
	char want[96];
	const struct message *m;
	long long end = now_ms() + timeout_ms;

	if (attempt)
		snprintf(want, sizeof(want), "~\"attempt\":%d", attempt);
	for (;;) {
		const struct message *msgs;
		size_t n = client_messages(f->client, &msgs);

		for (size_t i = 0; i < n; i++) {
			json_t *j;

			if (strcmp(msgs[i].topic, f->event_topic) != 0)
				continue;
			j = json_loads(msgs[i].payload, 0, NULL);
			if (j &&
			    strcmp(json_string_value(json_object_get(j, "state")), state) == 0 &&
			    (!attempt ||
			     json_integer_value(json_object_get(j, "attempt")) == attempt)) {
				assert_false(msgs[i].retained);
				return j;
			}
			json_decref(j);
		}
		if (now_ms() > end)
			fail_msg("no '%s' event%s%s", state, attempt ? " with " : "",
				 attempt ? want + 1 : "");
		m = client_wait(f->client, "no/such/topic", NULL, 100);
		(void) m;
	}
}

/* How many events of @state (any attempt; @attempt when not 0) arrived so far. */
int fixture_count_events(struct fixture *f, const char *state, int attempt)
{
	const struct message *msgs;
	size_t n = client_messages(f->client, &msgs);
	int count = 0;

	for (size_t i = 0; i < n; i++) {
		json_t *j;

		if (strcmp(msgs[i].topic, f->event_topic) != 0)
			continue;
		j = json_loads(msgs[i].payload, 0, NULL);
		assert_non_null(j);
		count += strcmp(json_string_value(json_object_get(j, "state")), state) == 0 &&
			 (!attempt || json_integer_value(json_object_get(j, "attempt")) == attempt);
		json_decref(j);
	}
	return count;
}

/* Lets @ms go by while the client keeps reading. */
void fixture_pass(struct fixture *f, int ms)
{
	(void) client_wait(f->client, "no/such/topic", NULL, ms);
}

int fixture_records(struct fixture *f, const char *record)
{
	char where[128];

	snprintf(where, sizeof(where), "reminder = 'foot_soak' AND record = '%s'", record);
	return store_count_rows(f->db, "reminder_log", where);
}

/* Waits up to 25 s (a failed write is tried again every 10 s). */
void fixture_wait_records(struct fixture *f, const char *record, int want)
{
	long long end = now_ms() + 25000;
	int n = -1;

	while (now_ms() < end && (n = fixture_records(f, record)) != want)
		usleep(100000);
	if (n != want)
		fail_msg("store: %d '%s' records, wanted %d", n, record, want);
}

void fixture_answer(struct fixture *f, const char *payload)
{
	assert_int_equal(client_publish(f->client, f->answer_topic, payload, false), 0);
}

void fixture_remember_id(struct fixture *f, json_t *event)
{
	snprintf(f->id, sizeof(f->id), "%s", json_string_value(json_object_get(event, "id")));
}

void fixture_assert_same_id(struct fixture *f, json_t *event)
{
	assert_string_equal(json_string_value(json_object_get(event, "id")), f->id);
}

/* How many reloads the daemon logged. */
static int reloads(struct fixture *f)
{
	char *log = daemon_stderr(&f->daemon);
	int n = 0;

	assert_non_null(log);
	for (const char *p = log; (p = strstr(p, "reloaded '")); p++)
		n++;
	free(log);
	return n;
}

/* SIGHUP; returns once the daemon logged one more "reloaded". */
void fixture_reload(struct fixture *f)
{
	int before = reloads(f);

	assert_int_equal(kill(f->daemon.pid, SIGHUP), 0);
	for (long long end = now_ms() + 10000; reloads(f) <= before; usleep(20 * 1000))
		assert_true(now_ms() < end);
}
