/*
 * Reminders, end to end (the real bedroomd, a real mosquitto, the real SQLite
 * file; every interval is seconds): what a due carries, and what the answers
 * do: "started" then time's up, answers of another run or malformed ones that
 * change nothing, and the Home Assistant blueprint replayed on what the daemon
 * sends, its "done" (JSON with the run's id) recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/integration/reminders-fixture.h"

/*
 * What Home Assistant does with @event through the reminders blueprint
 * (tests/blueprints/replay.py on ha_sim.py), tapping @tap when not NULL.
 * Returns its output (caller frees).
 */
static char *replay(struct fixture *f, json_t *event, const char *tap)
{
	char blueprint[512], *payload = json_dumps(event, JSON_COMPACT), *out = NULL;
	const char *args[] = {
		getenv("BLUEPRINT_REPLAY"), blueprint, f->base, f->event_topic, payload,
		tap ? "--tap" : NULL,       tap,       NULL
	};

	assert_non_null(args[0]);
	assert_non_null(payload);
	snprintf(blueprint, sizeof(blueprint), "%s/bedroomd-reminders.yaml", getenv("BLUEPRINTS"));
	assert_int_equal(run_program(getenv("PYTHON3"), args, &out), 0);
	free(payload);
	return out;
}

static void test_due_arrives_with_every_field(void **state)
{
	struct fixture *f = *state;
	char state_topic[128], want_id[64];
	const struct message *m;
	json_t *e, *st;

	fixture_configure(f, 3, "");
	fixture_start(f);
	/* Planned: <base>/state says when. */
	snprintf(state_topic, sizeof(state_topic), "%s/state", f->base);
	m = client_wait(f->client, state_topic, "~\"reminders\":{\"foot_soak\":{", 5000);
	assert_non_null(m);
	st = json_loads(m->payload, 0, NULL);
	assert_non_null(st);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(json_object_get(st, "reminders"), "foot_soak"), "state")),
	    "none");
	assert_true(json_is_string(json_object_get(
	    json_object_get(json_object_get(st, "reminders"), "foot_soak"), "next")));
	json_decref(st);

	e = fixture_wait_event(f, "due", 1, 15000);
	snprintf(want_id, sizeof(want_id), "%s-foot_soak-", f->node);
	assert_non_null(strstr(json_string_value(json_object_get(e, "id")), want_id));
	assert_string_equal(json_string_value(json_object_get(e, "name")), "foot_soak");
	assert_string_equal(json_string_value(json_object_get(e, "title")), "Warm foot soak");
	assert_non_null(strstr(json_string_value(json_object_get(e, "message")), "40–45 °C"));
	assert_int_equal(json_array_size(json_object_get(e, "actions")), 3);
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "actions"), 0)),
			    "started");
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "actions"), 1)),
			    "done");
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "actions"), 2)),
			    "snooze");
	/* ISO-8601 local with its offset: 2026-01-15T21:30:00+01:00 */
	assert_int_equal(strlen(json_string_value(json_object_get(e, "time"))), 25);
	assert_true(json_is_null(json_object_get(e, "ends")));
	json_decref(e);
	fixture_wait_records(f, "sent", 1);
	/* The state follows: due, with its id. */
	assert_non_null(client_wait(f->client, state_topic, "~\"state\":\"due\"", 5000));
}

static void test_started_then_time_up(void **state)
{
	struct fixture *f = *state;
	json_t *e;

	fixture_start_until_due(f, 2, "timer = 3s\n");
	fixture_answer(f, "started");
	e = fixture_wait_event(f, "timer", 0, 5000);
	fixture_assert_same_id(f, e);
	assert_true(json_is_string(json_object_get(e, "ends")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "actions"), 0)),
			    "done");
	json_decref(e);
	assert_int_equal(fixture_count_events(f, "time_up", 0), 0);
	e = fixture_wait_event(f, "time_up", 0, 10000);
	fixture_assert_same_id(f, e);
	assert_non_null(strstr(json_string_value(json_object_get(e, "message")), "Time's up"));
	json_decref(e);
	fixture_wait_records(f, "started", 1);
}

static void test_other_run_and_malformed_answers_change_nothing(void **state)
{
	struct fixture *f = *state;
	char payload[256], *log;
	int lines = 0;
	json_t *e;

	fixture_start_until_due(f, 2, "repeat_every = 1h\n");
	/* An old notification's button: another run's id. */
	snprintf(payload, sizeof(payload),
		 "{\"action\":\"done\",\"id\":\"%s-foot_soak-20200101T2130\"}", f->node);
	fixture_answer(f, payload);
	assert_int_equal(daemon_wait_log(&f->daemon, "not the current one", 5000), 0);
	/* Told the foot soak's answers, not the morning question's too (a user trial). */
	fixture_answer(f, "maybe later");
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "ignoring an answer to reminder foot_soak: not "
					 "started, done, snooze or skip; it said",
					 5000),
			 0);
	fixture_answer(f, "{\"action\":5}");
	assert_int_equal(daemon_wait_log(&f->daemon, "no \"action\"", 5000), 0);
	fixture_pass(f, 1000);
	assert_int_equal(fixture_count_events(f, "cleared", 0), 0);
	assert_int_equal(fixture_records(f, "done"), 0);
	/* The run on show still takes its own answer, by id. */
	snprintf(payload, sizeof(payload), "{\"action\":\"done\",\"id\":\"%s\"}", f->id);
	fixture_answer(f, payload);
	e = fixture_wait_event(f, "cleared", 0, 5000);
	fixture_assert_same_id(f, e);
	json_decref(e);
	fixture_wait_records(f, "done", 1);

	/* Taps again, and a flood of them: nothing more recorded, a few lines logged. */
	for (int i = 0; i < 50; i++)
		fixture_answer(f, "done");
	fixture_pass(f, 1000);
	assert_int_equal(fixture_records(f, "done"), 1);
	log = daemon_stderr(&f->daemon);
	for (const char *p = log; (p = strstr(p, "changes nothing:")); p++)
		lines++;
	free(log);
	printf("%d lines for 50 answers that change nothing\n", lines);
	assert_int_equal(lines, 1); /* said once, at info; the rest at debug, shorter */
}

/*
 * The blueprint, end to end: the due becomes a notification tagged with the
 * run's id; what a tap on "Done" publishes is what the daemon records; the
 * cleared that follows takes the notification off the phone.
 */
static void test_blueprint_round_trip(void **state)
{
	struct fixture *f = *state;
	char want[200], topic[128], *out, *publish, *payload;
	json_t *e;

	fixture_configure(f, 2, "repeat_every = 1h\n");
	fixture_start(f);
	e = fixture_wait_event(f, "due", 1, 15000);
	fixture_remember_id(f, e);
	out = replay(f, e, "done");
	json_decref(e);
	snprintf(want, sizeof(want), "\"tag\": \"%s\"", f->id);
	assert_non_null(strstr(out, "notify {\"action\": \"notify.mobile_app_phone\""));
	assert_non_null(strstr(out, want));
	publish = strstr(out, "publish ");
	assert_non_null(publish);
	assert_int_equal(sscanf(publish, "publish %127s", topic), 1);
	assert_string_equal(topic, f->answer_topic);
	payload = strchr(publish + strlen("publish "), ' ') + 1;
	payload[strcspn(payload, "\n")] = '\0';
	snprintf(want, sizeof(want), "{\"action\":\"done\",\"id\":\"%s\"}", f->id);
	assert_string_equal(payload, want);
	fixture_answer(f, payload);
	free(out);

	e = fixture_wait_event(f, "cleared", 0, 5000);
	fixture_assert_same_id(f, e);
	fixture_wait_records(f, "done", 1);
	out = replay(f, e, NULL);
	json_decref(e);
	assert_non_null(strstr(out, "\"message\": \"clear_notification\""));
	snprintf(want, sizeof(want), "\"tag\": \"%s\"", f->id);
	assert_non_null(strstr(out, want));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_due_arrives_with_every_field, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_started_then_time_up, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_other_run_and_malformed_answers_change_nothing,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_blueprint_round_trip, fixture_setup,
						fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
