/*
 * Reminders, end to end, with the real bedroomd, a real mosquitto and the real
 * SQLite file; every interval is seconds (the keys take them for tests). Each
 * test's comment says what it shows: a due's fields, answers, snoozes, repeats,
 * restarts and reloads mid-run, the broker or the store away, the morning
 * question, and the Home Assistant blueprint replayed on what the daemon sends.
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

#include "store/testing.h"
#include "tests/integration/harness.h"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char node[32];
	char base[64];
	char event_topic[96];
	char answer_topic[96];
	char db[256];
	char id[128];  /* the run's id, once seen */
	bool no_store; /* the config's state_dir cannot be opened */
	time_t at;     /* the reminder's time, as last written (in_s < 0 keeps it) */
};

static int teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(f->client, &f->daemon, &f->broker);
	free(f);
	return 0;
}

static int setup(void **state)
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
		teardown(state);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/bedroomd.db", f->daemon.state_dir);
	return 0;
}

/*
 * Writes the config: the foot soak due @in_s seconds from now (local wall
 * time, as the daemon reads it), with @extra keys for its section.
 */
static void configure_reminder(struct fixture *f, const char *name, int in_s, const char *extra)
{
	char text[1024], at[16], dir[256];
	time_t t = in_s >= 0 ? time(NULL) + in_s : f->at;
	struct tm tm;

	f->at = t;
	localtime_r(&t, &tm);
	strftime(at, sizeof(at), "%H:%M:%S", &tm);
	/* A directory below a file: mkdir fails with ENOTDIR, root or not. */
	snprintf(dir, sizeof(dir), "%s/bedroomd.conf/state", f->daemon.dir);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = %s\nstate_dir = %s\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n",
		 f->node, f->no_store ? dir : "@STATE_DIR@", f->broker.port);
	if (name)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "[reminder.%s]\nat = %s\n%s", name, at, extra);
	assert_int_equal(daemon_write_config(&f->daemon, text), 0);
}

static void configure(struct fixture *f, int in_s, const char *extra)
{
	configure_reminder(f, "foot_soak", in_s, extra);
}

static void start(struct fixture *f)
{
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
}

/* Waits for an event of @state (and @attempt, when not 0); returns it as JSON (caller frees). */
static json_t *wait_event(struct fixture *f, const char *state, int attempt, int timeout_ms)
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
static int count_events(struct fixture *f, const char *state, int attempt)
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
static void pass(struct fixture *f, int ms)
{
	(void) client_wait(f->client, "no/such/topic", NULL, ms);
}

static int records(struct fixture *f, const char *record)
{
	char where[128];

	snprintf(where, sizeof(where), "reminder = 'foot_soak' AND record = '%s'", record);
	return store_count_rows(f->db, "reminder_log", where);
}

/* Waits up to 25 s (a failed write is tried again every 10 s). */
static void wait_records(struct fixture *f, const char *record, int want)
{
	long long end = now_ms() + 25000;
	int n = -1;

	while (now_ms() < end && (n = records(f, record)) != want)
		usleep(100000);
	if (n != want)
		fail_msg("store: %d '%s' records, wanted %d", n, record, want);
}

static void answer(struct fixture *f, const char *payload)
{
	assert_int_equal(client_publish(f->client, f->answer_topic, payload, false), 0);
}

static void remember_id(struct fixture *f, json_t *event)
{
	snprintf(f->id, sizeof(f->id), "%s", json_string_value(json_object_get(event, "id")));
}

static void assert_same_id(struct fixture *f, json_t *event)
{
	assert_string_equal(json_string_value(json_object_get(event, "id")), f->id);
}

static void test_due_arrives_with_every_field(void **state)
{
	struct fixture *f = *state;
	char state_topic[128], want_id[64];
	const struct message *m;
	json_t *e, *st;

	configure(f, 3, "");
	start(f);
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

	e = wait_event(f, "due", 1, 15000);
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
	wait_records(f, "sent", 1);
	/* The state follows: due, with its id. */
	assert_non_null(client_wait(f->client, state_topic, "~\"state\":\"due\"", 5000));
}

static void test_started_then_time_up(void **state)
{
	struct fixture *f = *state;
	json_t *e;

	configure(f, 2, "timer = 3s\n");
	start(f);
	e = wait_event(f, "due", 1, 15000);
	remember_id(f, e);
	json_decref(e);
	answer(f, "started");
	e = wait_event(f, "timer", 0, 5000);
	assert_same_id(f, e);
	assert_true(json_is_string(json_object_get(e, "ends")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "actions"), 0)),
			    "done");
	json_decref(e);
	assert_int_equal(count_events(f, "time_up", 0), 0);
	e = wait_event(f, "time_up", 0, 10000);
	assert_same_id(f, e);
	assert_non_null(strstr(json_string_value(json_object_get(e, "message")), "Time's up"));
	json_decref(e);
	wait_records(f, "started", 1);
}

/* The state's "next" (Home Assistant's Next reminder) is when the snooze ends, not tomorrow. */
static void assert_next_is_the_snooze_end(struct fixture *f, long long from_s, long long to_s)
{
	char state_topic[128];
	const struct message *m;
	const char *next;
	struct tm tm = { 0 };
	json_t *st;

	snprintf(state_topic, sizeof(state_topic), "%s/state", f->base);
	m = client_wait(f->client, state_topic, "~\"state\":\"snoozed\"", 5000);
	assert_non_null(m);
	st = json_loads(m->payload, 0, NULL);
	next = json_string_value(json_object_get(
	    json_object_get(json_object_get(st, "reminders"), "foot_soak"), "next"));
	assert_non_null(next);
	assert_non_null(strptime(next, "%Y-%m-%dT%H:%M:%S", &tm));
	tm.tm_isdst = -1;
	if ((long long) mktime(&tm) < from_s - 1 || (long long) mktime(&tm) > to_s + 1)
		fail_msg("next %s is not the snooze's end (%lld..%lld): %s", next, from_s, to_s,
			 m->payload);
	json_decref(st);
}

static void test_snooze_brings_due_back_with_the_same_id(void **state)
{
	struct fixture *f = *state;
	long long asked, snoozed;
	json_t *e;

	configure(f, 2, "snooze = 3s\nrepeat_every = 1h\n");
	start(f);
	e = wait_event(f, "due", 1, 15000);
	remember_id(f, e);
	json_decref(e);
	asked = (long long) time(NULL);
	answer(f, "snooze");
	snoozed = now_ms();
	wait_records(f, "snoozed", 1);
	assert_next_is_the_snooze_end(f, asked + 3, (long long) time(NULL) + 3);
	e = wait_event(f, "due", 2, 10000);
	/* Not before the snooze is over (seconds: the second it was taken may be nearly gone). */
	assert_true(now_ms() - snoozed >= 2000);
	assert_same_id(f, e);
	json_decref(e);
	assert_int_equal(count_events(f, "due", 0), 2);
}

static void test_done_clears_and_stops_the_repeats(void **state)
{
	struct fixture *f = *state;
	json_t *e;

	configure(f, 2, "repeat_every = 2s\nrepeat_max = 5\n");
	start(f);
	e = wait_event(f, "due", 1, 15000);
	remember_id(f, e);
	json_decref(e);
	e = wait_event(f, "due", 2, 10000); /* a repeat: nobody answered */
	json_decref(e);
	answer(f, "done");
	e = wait_event(f, "cleared", 0, 5000);
	assert_same_id(f, e);
	assert_int_equal(json_array_size(json_object_get(e, "actions")), 0);
	json_decref(e);
	wait_records(f, "done", 1);
	/* Three repeat intervals later: no due after the clear. */
	pass(f, 6000);
	assert_int_equal(count_events(f, "due", 3), 0);
	assert_int_equal(count_events(f, "given_up", 0), 0);
}

static void test_other_run_and_malformed_answers_change_nothing(void **state)
{
	struct fixture *f = *state;
	char payload[256];
	json_t *e;

	configure(f, 2, "repeat_every = 1h\n");
	start(f);
	e = wait_event(f, "due", 1, 15000);
	remember_id(f, e);
	json_decref(e);
	/* An old notification's button: another run's id. */
	snprintf(payload, sizeof(payload),
		 "{\"action\":\"done\",\"id\":\"%s-foot_soak-20200101T2130\"}", f->node);
	answer(f, payload);
	assert_int_equal(daemon_wait_log(&f->daemon, "not the current one", 5000), 0);
	answer(f, "maybe later");
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "ignoring an answer to reminder foot_soak: not "
					 "started, done",
					 5000),
			 0);
	answer(f, "{\"action\":5}");
	assert_int_equal(daemon_wait_log(&f->daemon, "no \"action\"", 5000), 0);
	pass(f, 1000);
	assert_int_equal(count_events(f, "cleared", 0), 0);
	assert_int_equal(records(f, "done"), 0);
	/* The run on show still takes its own answer, by id. */
	snprintf(payload, sizeof(payload), "{\"action\":\"done\",\"id\":\"%s\"}", f->id);
	answer(f, payload);
	e = wait_event(f, "cleared", 0, 5000);
	assert_same_id(f, e);
	json_decref(e);
	wait_records(f, "done", 1);
}

static void test_restart_mid_snooze_neither_repeats_nor_loses_it(void **state)
{
	struct fixture *f = *state;
	json_t *e;

	configure(f, 2, "snooze = 6s\nrepeat_every = 1h\n");
	start(f);
	e = wait_event(f, "due", 1, 15000);
	remember_id(f, e);
	json_decref(e);
	answer(f, "snooze");
	wait_records(f, "snoozed", 1);
	kill(f->daemon.pid, SIGTERM);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	start(f);
	e = wait_event(f, "due", 2, 15000);
	assert_same_id(f, e);
	json_decref(e);
	pass(f, 2000);
	/* The first due once, the snooze's end once, nothing else. */
	assert_int_equal(count_events(f, "due", 1), 1);
	assert_int_equal(count_events(f, "due", 2), 1);
	assert_int_equal(count_events(f, "due", 0), 2);
	assert_int_equal(records(f, "sent"), 1);
}

static void test_outage_holds_events_and_sends_them_in_order(void **state)
{
	struct fixture *f = *state;
	const struct message *msgs;
	int seen = 0;
	size_t n;

	configure(f, 4, "repeat_every = 2s\nrepeat_max = 2\n");
	start(f);
	f->client = client_free(f->client);
	broker_stop(&f->broker);
	/* Due, two repeats and the give-up happen while the broker is away. */
	assert_int_equal(daemon_wait_log(&f->daemon, "reminder foot_soak: given_up", 20000), 0);
	for (long long end = now_ms() + 5000;
	     now_ms() < end && store_count_rows(f->db, "reminder_outbox", "1") != 4;)
		usleep(50000);
	assert_int_equal(store_count_rows(f->db, "reminder_outbox", "1"), 4);
	assert_int_equal(broker_restart(&f->broker), 0);
	assert_int_equal(client_new(&f->broker, f->event_topic, &f->client), 0);
	json_decref(wait_event(f, "given_up", 0, 90000));
	n = client_messages(f->client, &msgs);
	for (size_t i = 0; i < n; i++) {
		static const char *const order[] = { "\"attempt\":1", "\"attempt\":2",
						     "\"attempt\":3", "\"given_up\"" };

		if (seen < 4 && strstr(msgs[i].payload, order[seen]))
			seen++;
	}
	assert_int_equal(seen, 4);
	for (long long end = now_ms() + 10000;
	     now_ms() < end && store_count_rows(f->db, "reminder_outbox", "1") != 0;)
		usleep(100000);
	assert_int_equal(store_count_rows(f->db, "reminder_outbox", "1"), 0);
	assert_int_equal(records(f, "ignored"), 1);
}

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

	configure(f, 2, "repeat_every = 1h\n");
	start(f);
	e = wait_event(f, "due", 1, 15000);
	remember_id(f, e);
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
	answer(f, payload);
	free(out);

	e = wait_event(f, "cleared", 0, 5000);
	assert_same_id(f, e);
	wait_records(f, "done", 1);
	out = replay(f, e, NULL);
	json_decref(e);
	assert_non_null(strstr(out, "\"message\": \"clear_notification\""));
	snprintf(want, sizeof(want), "\"tag\": \"%s\"", f->id);
	assert_non_null(strstr(out, want));
	free(out);
}

/* The morning question: "left" logs a cramp through the cramp log, its time estimated. */
static void test_morning_answer_logs_a_cramp(void **state)
{
	struct fixture *f = *state;
	char cramp_topic[128], topic[128];
	const struct message *m;
	json_t *e;

	configure_reminder(f, "morning", 2, "");
	start(f);
	e = wait_event(f, "due", 1, 15000);
	assert_string_equal(json_string_value(json_object_get(e, "name")), "morning");
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "actions"), 0)),
			    "none");
	json_decref(e);
	snprintf(topic, sizeof(topic), "%s/reminder/morning", f->base);
	assert_int_equal(client_publish(f->client, topic, "done", false), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "not an answer to the morning question", 5000),
			 0);
	assert_int_equal(client_publish(f->client, topic, "left", false), 0);
	snprintf(cramp_topic, sizeof(cramp_topic), "%s/event/cramp", f->base);
	m = client_wait(f->client, cramp_topic, "~\"time_estimated\":true", 10000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"leg\":\"left\""));
	assert_non_null(strstr(m->payload, "\"source\":\"morning\""));
	json_decref(wait_event(f, "cleared", 0, 5000));
	assert_int_equal(store_count_rows(f->db, "reminder_log", "record = 'cramp_left'"), 1);
	assert_int_equal(store_count_rows(f->db, "cramps", "time_estimated = 1 AND leg = 'left'"),
			 1);
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
static void reload(struct fixture *f)
{
	int before = reloads(f);

	assert_int_equal(kill(f->daemon.pid, SIGHUP), 0);
	for (long long end = now_ms() + 10000; reloads(f) <= before; usleep(20 * 1000))
		assert_true(now_ms() < end);
}

/*
 * A reload keeps an unchanged reminder's run, also with no store to read it
 * back from: mid-snooze, the snooze still ends once, with the same id; mid-
 * timer, time's up still comes once. Nothing is sent twice.
 */
static void test_reload_mid_snooze_and_mid_timer_keeps_the_run(void **state)
{
	struct fixture *f = *state;
	json_t *e;

	f->no_store = true;
	configure(f, 2, "snooze = 4s\ntimer = 4s\nrepeat_every = 1h\n");
	start(f);
	e = wait_event(f, "due", 1, 15000);
	remember_id(f, e);
	json_decref(e);
	answer(f, "snooze");
	assert_int_equal(daemon_wait_log(&f->daemon, "reminder foot_soak: snooze", 5000), 0);
	reload(f);
	e = wait_event(f, "due", 2, 15000);
	assert_same_id(f, e);
	json_decref(e);
	answer(f, "started");
	json_decref(wait_event(f, "timer", 0, 5000));
	configure(f, -1, "snooze = 4s\ntimer = 4s\nrepeat_every = 1h\ntitle = Soak\n");
	reload(f);
	e = wait_event(f, "time_up", 0, 15000);
	assert_same_id(f, e);
	json_decref(e);
	pass(f, 1500);
	assert_int_equal(count_events(f, "due", 1), 1);
	assert_int_equal(count_events(f, "due", 0), 2);
	assert_int_equal(count_events(f, "timer", 0), 1);
	assert_int_equal(count_events(f, "time_up", 0), 1);
}

/* A reminder removed by a reload while its run is on the phones: cleared, so they drop it. */
static void test_reload_removing_a_reminder_clears_its_run(void **state)
{
	struct fixture *f = *state;
	json_t *e;

	configure(f, 2, "repeat_every = 1h\n");
	start(f);
	e = wait_event(f, "due", 1, 15000);
	remember_id(f, e);
	json_decref(e);
	configure_reminder(f, NULL, -1, "");
	reload(f);
	e = wait_event(f, "cleared", 0, 10000);
	assert_same_id(f, e);
	json_decref(e);
	assert_int_equal(count_events(f, "given_up", 0), 0);
}

/*
 * Started without the store (its directory unusable), then the store comes
 * (here by a reload to a usable one): the run it holds, snoozed before,
 * goes on; the empty state in memory does not overwrite it.
 */
static void test_store_back_after_a_start_without_it_keeps_its_runs(void **state)
{
	struct fixture *f = *state;
	json_t *e;

	configure(f, 2, "snooze = 8s\nrepeat_every = 1h\n");
	start(f);
	e = wait_event(f, "due", 1, 15000);
	remember_id(f, e);
	json_decref(e);
	answer(f, "snooze");
	wait_records(f, "snoozed", 1);
	kill(f->daemon.pid, SIGTERM);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);

	f->no_store = true;
	configure(f, -1, "snooze = 8s\nrepeat_every = 1h\n");
	start(f);
	f->no_store = false;
	configure(f, -1, "snooze = 8s\nrepeat_every = 1h\n");
	reload(f);
	e = wait_event(f, "due", 2, 20000);
	assert_same_id(f, e);
	json_decref(e);
	assert_int_equal(store_count_rows(f->db, "reminder_state", "snoozes = 1"), 1);
}

/*
 * The store fails to take the reminders' writes (as a full disk would): the
 * answer still goes out, store_failed is raised, and once the store takes
 * writes again what happened is written and the alert clears.
 */
static void test_a_failing_store_is_written_later(void **state)
{
	struct fixture *f = *state;
	char alert[128];

	snprintf(alert, sizeof(alert), "%s/event/alert", f->base);
	configure(f, 2, "repeat_every = 1h\n");
	start(f);
	json_decref(wait_event(f, "due", 1, 15000));
	wait_records(f, "sent", 1);
	assert_int_equal(store_testing_fail_reminder_writes(f->db, true), 0);
	answer(f, "done");
	json_decref(wait_event(f, "cleared", 0, 5000));
	assert_non_null(client_wait(f->client, alert, "~\"kind\":\"store_failed\"", 10000));
	assert_int_equal(records(f, "done"), 0);
	assert_int_equal(store_testing_fail_reminder_writes(f->db, false), 0);
	wait_records(f, "done", 1); /* the store-flush timer tries again every 10 s */
	assert_non_null(client_wait(f->client, alert, "~\"cleared\"", 20000));
	assert_int_equal(store_count_rows(f->db, "reminder_state", "state = 'cleared'"), 1);
}

/* A cramp reported during the night, then "left" in the morning: one cramp, not two. */
static void test_morning_answer_does_not_count_a_reported_cramp_twice(void **state)
{
	struct fixture *f = *state;
	char cramp_topic[128], topic[128];

	configure_reminder(f, "morning", 3, "");
	start(f);
	snprintf(cramp_topic, sizeof(cramp_topic), "%s/cramp", f->base);
	assert_int_equal(client_publish(f->client, cramp_topic, "{\"leg\":\"left\"}", false), 0);
	for (long long end = now_ms() + 10000;
	     now_ms() < end && store_count_rows(f->db, "cramps", "leg = 'left'") != 1;)
		pass(f, 100);
	json_decref(wait_event(f, "due", 1, 15000));
	snprintf(topic, sizeof(topic), "%s/reminder/morning", f->base);
	assert_int_equal(client_publish(f->client, topic, "left", false), 0);
	json_decref(wait_event(f, "cleared", 0, 5000));
	pass(f, 500); /* the answer's cramp, if any, is logged right after the cleared */
	assert_int_equal(store_count_rows(f->db, "reminder_log", "record = 'cramp_left'"), 1);
	assert_int_equal(store_count_rows(f->db, "cramps", "leg = 'left'"), 1);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "is the cramp reported during the night", 5000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_due_arrives_with_every_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_started_then_time_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snooze_brings_due_back_with_the_same_id, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_done_clears_and_stops_the_repeats, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_other_run_and_malformed_answers_change_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_restart_mid_snooze_neither_repeats_nor_loses_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outage_holds_events_and_sends_them_in_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_morning_answer_logs_a_cramp, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_morning_answer_does_not_count_a_reported_cramp_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blueprint_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_mid_snooze_and_mid_timer_keeps_the_run,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_removing_a_reminder_clears_its_run,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_back_after_a_start_without_it_keeps_its_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_failing_store_is_written_later, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
