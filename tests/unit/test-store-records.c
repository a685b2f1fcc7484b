/*
 * The real store on real SQLite files in a temporary directory: what it keeps
 * (cramps and their outbox, room temperatures, reminders, relays) and prunes.
 * Opening, the schema and the connection: test-store.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <grp.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control/clock-set.h"
#include "store/room-temperature.h"
#include "store/store.h"
#include "store/testing.h"
#include "tests/unit/test-store-fixture.h"

/* A wall clock before this (2025-01-01) is not set yet. */
#define SET WALL_CLOCK_SET_AFTER_S

static void test_cramps_outbox_order_and_delivery(void **state)
{
	struct store_cramp *list = NULL, c;
	struct store *s = NULL;
	int n;

	assert_int_equal(store_open(*state, &s), 0);
	/* Stored out of time order (a cramp remembered later): delivery keeps storing order. */
	c = store_fixture_cramp("c-1", 1000, "left");
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("c-2", 500, "right");
	c.site = (char *) (uintptr_t) "thigh";
	c.note = (char *) (uintptr_t) "woke me up";
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("c-3", 2000, "unknown");
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_cramp_add(s, &c), -EEXIST);

	n = store_cramps_read(s, true, 0, 10, &list);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].id, "c-1");
	assert_string_equal(list[1].id, "c-2");
	assert_string_equal(list[1].site, "thigh");
	assert_string_equal(list[1].note, "woke me up");
	assert_null(list[0].site);
	assert_true(list[0].room_c == 17.5);
	assert_true(isnan(list[0].min_room_c));
	assert_int_equal(list[0].heater_on, -1);
	assert_int_equal(list[0].in_bed, 1);
	assert_true(list[0].in_bed_since == 1000 - 60);
	store_cramps_free(list, (size_t) n);

	assert_int_equal(store_cramp_mark_delivered(s, "c-1"), 0);
	assert_int_equal(store_cramp_mark_delivered(s, "nope"), -ENOENT);
	n = store_cramps_read(s, true, 0, 1, &list);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].id, "c-2");
	store_cramps_free(list, (size_t) n);

	/* By time, for counting and the report. */
	n = store_cramps_read(s, false, 600, 10, &list);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].id, "c-1");
	assert_true(list[0].delivered);
	assert_string_equal(list[1].id, "c-3");
	store_cramps_free(list, (size_t) n);
	store_close(s);
}

static void test_room_temperature_and_prune(void **state)
{
	struct store_cramp *list = NULL, c;
	struct store *s = NULL;
	double v = 0;

	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_room_temperature_min(s, 0, 1000, &v), -ENODATA);
	assert_int_equal(store_room_temperature_add(s, 100, 0, 18.5), 0);
	assert_int_equal(store_room_temperature_add(s, 200, 0, 17.25), 0);
	assert_int_equal(store_room_temperature_add(s, 300, 0, 19.0), 0);
	assert_int_equal(store_room_temperature_min(s, 0, 1000, &v), 0);
	assert_true(v == 17.25);
	assert_int_equal(store_room_temperature_min(s, 250, 1000, &v), 0);
	assert_true(v == 19.0);
	assert_int_equal(store_room_temperature_min(s, 0, 199, &v), 0); /* until, inclusive */
	assert_true(v == 18.5);
	assert_int_equal(store_room_temperature_min(s, 301, 1000, &v), -ENODATA);
	/* The sample nearest a time, within a gap. */
	assert_int_equal(store_room_temperature_at(s, 240, 60, 60, &v), 0);
	assert_true(v == 17.25);
	assert_int_equal(store_room_temperature_at(s, 260, 60, 60, &v), 0);
	assert_true(v == 19.0);
	assert_int_equal(store_room_temperature_at(s, 500, 60, 60, &v), -ENODATA);
	/* Only as far after the time as asked: none from long after it. */
	assert_int_equal(store_room_temperature_at(s, 40, 60, 30, &v), -ENODATA);
	assert_int_equal(store_room_temperature_at(s, 40, 60, 60, &v), 0);
	assert_true(v == 18.5);
	assert_int_equal(store_room_temperature_at(s, 360, 60, 0, &v), 0);
	assert_true(v == 19.0);

	assert_int_equal(store_prune(s, 250), 0);
	assert_int_equal(store_room_temperature_min(s, 0, 1000, &v), 0);
	assert_true(v == 19.0);
	/* Cramps on a set clock (one dated before is never pruned: see below). */
	c = store_fixture_cramp("old-delivered", SET + 100, "left");
	c.delivered = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("old-undelivered", SET + 100, "left");
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("newer", SET + 300, "right");
	c.delivered = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_prune(s, SET + 250), 0);
	/* An event never delivered is never pruned: it must reach the broker first. */
	assert_int_equal(store_cramps_read(s, false, 0, 10, &list), 2);
	assert_string_equal(list[0].id, "old-undelivered");
	assert_string_equal(list[1].id, "newer");
	store_cramps_free(list, 2);
	store_close(s);
}

/*
 * By a clock years ahead (a clock chip that lost its battery) every record is
 * older than the retention: a prune empties no table, and says it kept the
 * cramps (1). Once a record as new as the horizon is there, what is older goes.
 */
static void test_prune_empties_no_table(void **state)
{
	const int64_t now = 1769825525;                     /* 2026-01-31 */
	const int64_t ahead = 4294967295LL - 730 * 86400LL; /* 2106, less 730 days' retention */
	struct store_advisory a = { .kind = (char *) (uintptr_t) "cramp_frequency",
				    .message = (char *) (uintptr_t) "often",
				    .count = 4 };
	struct store_advisory *advisories = NULL;
	struct store_cramp *list = NULL, c;
	struct store *s = NULL;
	double v = 0;

	assert_int_equal(store_open(*state, &s), 0);
	c = store_fixture_cramp("last-week", now - 7 * 86400, "left");
	c.delivered = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("yesterday", now - 86400, "right");
	c.delivered = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	a.time = now - 86400;
	assert_int_equal(store_advisory_add(s, "adv", &a), 0);
	assert_int_equal(store_room_temperature_add(s, now - 600, 0, 18.25), 0);
	assert_int_equal(store_fixture_record(s, "r-1", "foot_soak", "sent", now - 3600, 3600), 0);

	assert_int_equal(store_prune(s, ahead), 1);
	assert_int_equal(store_cramps_read(s, false, 0, 10, &list), 2);
	store_cramps_free(list, 2);
	assert_int_equal(store_advisories_read(s, 0, &advisories), 1);
	store_advisories_free(advisories, 1);
	assert_int_equal(store_room_temperature_min(s, 0, now, &v), 0);
	assert_true(v == 18.25);
	assert_int_equal(store_reminder_answered(s, "foot_soak", false, 0, now), 0);
	assert_int_equal(store_fixture_record(s, "r-2", "foot_soak", "snoozed", now - 3500, 3600),
			 0);
	assert_int_equal(store_reminder_answered(s, "foot_soak", false, 0, now), 1);

	/* A cramp as new as the horizon: the older ones go, as retention says. */
	c = store_fixture_cramp("far-ahead", ahead + 60, "left");
	c.delivered = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_prune(s, ahead), 0);
	assert_int_equal(store_cramps_read(s, false, 0, 10, &list), 1);
	assert_string_equal(list[0].id, "far-ahead");
	store_cramps_free(list, 1);
	assert_int_equal(store_advisories_read(s, 0, &advisories), 0);
	/* The temperatures and reminder records have none that new: kept. */
	assert_int_equal(store_room_temperature_min(s, 0, now, &v), 0);
	assert_int_equal(store_reminder_answered(s, "foot_soak", false, 0, now), 1);
	store_close(s);
}

static void test_confirms_and_reminder_records(void **state)
{
	struct store_cramp *list = NULL, c;
	struct store *s = NULL;

	assert_int_equal(store_open(*state, &s), 0);
	c = store_fixture_cramp("suspect", 1000, "unknown");
	c.source = (char *) (uintptr_t) "movement";
	c.suspected = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("pressed", 1300, "left");
	c.confirms = (char *) (uintptr_t) "suspect";
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_cramps_read(s, false, 0, 10, &list), 2);
	assert_true(list[0].suspected);
	assert_null(list[0].confirms);
	assert_false(list[1].suspected);
	assert_string_equal(list[1].confirms, "suspect");
	store_cramps_free(list, 2);

	assert_int_equal(store_reminder_answered(s, "foot_soak", false, 0, 5000), 0);
	assert_int_equal(store_fixture_record(s, "a-1", "foot_soak", "sent", 1900, 3600), 0);
	assert_int_equal(store_reminder_answered(s, "foot_soak", false, 0, 5000), 0);
	assert_int_equal(store_fixture_record(s, "a-1", "foot_soak", "snoozed", 2000, 3600), 0);
	/* A record the store does not know: nothing of the commit is written. */
	assert_int_equal(store_fixture_record(s, "a-2", "foot_soak", "maybe", 2001, 3600), -EINVAL);
	/* Answered (a snooze), but not done. */
	assert_int_equal(store_reminder_answered(s, "foot_soak", false, 0, 5000), 1);
	assert_int_equal(store_reminder_answered(s, "foot_soak", true, 0, 5000), 0);
	assert_int_equal(store_fixture_record(s, "a-3", "foot_soak", "started", 3000, 3600), 0);
	assert_int_equal(store_reminder_answered(s, "foot_soak", true, 2500, 3000),
			 1); /* inclusive */
	assert_int_equal(store_reminder_answered(s, "foot_soak", true, 3001, 5000), 0);
	assert_int_equal(store_reminder_answered(s, "stretch", false, 0, 5000), 0);
	assert_int_equal(store_prune(s, 2500), 0);
	assert_int_equal(store_reminder_answered(s, "foot_soak", false, 0, 2500), 0);
	assert_int_equal(store_reminder_answered(s, "foot_soak", true, 0, 5000), 1);
	store_close(s);
}

/*
 * A cramp dated before the clock was set (a Pi without a real-time clock,
 * before NTP) is never pruned, delivered or not, nor its advisory: its date is
 * wrong, not old, and it stays for a person to see. What is truly older than
 * the retention goes as before.
 */
static void test_prune_keeps_what_an_unset_clock_dated(void **state)
{
	const int64_t now = 1769825525;               /* 2026-01-31 */
	const int64_t before = now - 180 * 86400LL;   /* 180 days' retention */
	const int64_t power_cut = 3 * 3600 + 12 * 60; /* 1970-01-01T03:12:00Z */
	const int64_t long_ago = 1740798000; /* 2025-03-01: a set clock's, past retention */
	struct store_advisory a = { .kind = (char *) (uintptr_t) "cramp_frequency",
				    .message = (char *) (uintptr_t) "often",
				    .count = 4 };
	struct store_advisory *advisories = NULL;
	struct store_cramp *list = NULL, c;
	struct store *s = NULL;

	assert_int_equal(store_open(*state, &s), 0);
	c = store_fixture_cramp("unset-clock", power_cut, "left");
	c.delivered = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("long-ago", long_ago, "right");
	c.delivered = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("recent", now - 86400, "right");
	c.delivered = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	a.time = power_cut;
	assert_int_equal(store_advisory_add(s, "adv-unset-clock", &a), 0);
	a.time = long_ago;
	assert_int_equal(store_advisory_add(s, "adv-long-ago", &a), 0);

	assert_int_equal(store_prune(s, before), 0);
	assert_int_equal(store_cramps_read(s, false, 0, 10, &list), 2);
	assert_string_equal(list[0].id, "unset-clock");
	assert_true(list[0].time == power_cut);
	assert_string_equal(list[1].id, "recent");
	store_cramps_free(list, 2);
	assert_int_equal(store_advisories_read(s, 0, &advisories), 1);
	assert_true(advisories[0].time == power_cut);
	store_advisories_free(advisories, 1);
	store_close(s);

	/* Every store open prunes too: the cramp is still there after another. */
	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_prune(s, before + 86400), 0);
	assert_int_equal(store_cramps_read(s, false, 0, 10, &list), 2);
	assert_string_equal(list[0].id, "unset-clock");
	store_cramps_free(list, 2);
	store_close(s);
}

/* A step of a reminder: its state, records and events in one transaction; the outbox in order. */
static void test_reminder_state_and_outbox(void **state)
{
	char name[] = "foot_soak", due[] = "due", snoozed[] = "snoozed", id[] = "b-foot_soak-1",
	     sent[] = "sent", e1[] = "{\"state\":\"due\"}", e2[] = "{\"state\":\"due\",\"n\":2}";
	struct store_reminder_state st = { .reminder = name,
					   .since = 100,
					   .state = due,
					   .slot_day = 20468,
					   .slot_sec = 77400,
					   .slot = 1768509000,
					   .attempt = 1,
					   .next = 1768509900,
					   .started = true };
	struct store_reminder_record rec = { .run_id = id,
					     .reminder = name,
					     .record = sent,
					     .time = 1768509000,
					     .tz_offset_s = 3600,
					     .slot = 1768509000 };
	struct store_reminder_event ev[2] = { { .run_id = id, .payload = e1 },
					      { .run_id = id, .payload = e2 } };
	struct store_reminder_state *states = NULL;
	struct store_reminder_event *out = NULL;
	struct store_reminder_record *recs = NULL;
	struct store *s = NULL;

	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_reminder_commit(s, &st, &rec, 1, ev, 2), 0);
	st.state = snoozed;
	st.snoozes = 1;
	assert_int_equal(store_reminder_commit(s, &st, NULL, 0, NULL, 0), 0);
	store_close(s);

	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_reminder_states_read(s, &states), 1);
	assert_string_equal(states[0].reminder, "foot_soak");
	assert_string_equal(states[0].state, "snoozed");
	assert_int_equal(states[0].slot_day, 20468);
	assert_int_equal(states[0].slot_sec, 77400);
	assert_true(states[0].slot == 1768509000);
	assert_true(states[0].next == 1768509900);
	assert_int_equal(states[0].snoozes, 1);
	assert_true(states[0].started);
	assert_false(states[0].done);
	store_reminder_states_free(states, 1);

	assert_int_equal(store_reminder_outbox_read(s, 10, &out), 2);
	assert_string_equal(out[0].payload, e1);
	assert_string_equal(out[1].payload, e2);
	assert_string_equal(out[1].run_id, id);
	assert_true(out[0].seq < out[1].seq);
	assert_int_equal(store_reminder_outbox_remove(s, out[0].seq), 0);
	assert_int_equal(store_reminder_outbox_remove(s, out[0].seq), -ENOENT);
	store_reminder_events_free(out, 2);
	assert_int_equal(store_reminder_outbox_read(s, 10, &out), 1);
	assert_string_equal(out[0].payload, e2);
	store_reminder_events_free(out, 1);

	assert_int_equal(store_reminder_records_read_range(s, 1768509000, 1768509001, &recs), 1);
	assert_string_equal(recs[0].record, "sent");
	assert_true(recs[0].slot == 1768509000);
	store_reminder_records_free(recs, 1);
	store_close(s);
}

/* A later report of the same cramp fills in what it lacked; it goes out again, marked. */
static void test_cramp_amend(void **state)
{
	struct store_cramp *list = NULL, c;
	struct store *s = NULL;

	assert_int_equal(store_open(*state, &s), 0);
	c = store_fixture_cramp("c-1", 1000, "unknown");
	assert_int_equal(store_cramp_add(s, &c), 0);
	c = store_fixture_cramp("c-2", 2000, "right");
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_cramp_mark_delivered(s, "c-1"), 0);
	assert_int_equal(store_cramp_mark_delivered(s, "c-2"), 0);
	assert_int_equal(store_cramps_read(s, true, 0, 10, &list), 0);

	assert_int_equal(store_cramp_amend(s, "c-1", "left", "thigh", "woke me"), 0);
	assert_int_equal(store_cramp_amend(s, "nope", "left", NULL, NULL), -ENOENT);
	store_close(s);
	s = NULL;

	/* Durable: undelivered again after a restart, with the detail. */
	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_cramps_read(s, true, 0, 10, &list), 1);
	assert_string_equal(list[0].id, "c-1");
	assert_string_equal(list[0].leg, "left");
	assert_string_equal(list[0].site, "thigh");
	assert_string_equal(list[0].note, "woke me");
	assert_true(list[0].amended);
	assert_int_equal(list[0].count_7d, 1);
	assert_true(list[0].room_c == 17.5); /* the context stays */
	store_cramps_free(list, 1);

	/* What is known is never changed; a leg is filled in only where it is unknown. */
	assert_int_equal(store_cramp_amend(s, "c-1", "right", "calf", "other"), 0);
	assert_int_equal(store_cramp_amend(s, "c-2", "left", "foot", NULL), 0);
	c = store_fixture_cramp("c-3", 3000, "unknown");
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_cramp_amend(s, "c-3", NULL, NULL, "no leg given"), 0);
	assert_int_equal(store_cramps_read(s, false, 0, 10, &list), 3);
	assert_string_equal(list[0].leg, "left");
	assert_string_equal(list[0].site, "thigh");
	assert_string_equal(list[0].note, "woke me");
	assert_string_equal(list[1].leg, "right");
	assert_string_equal(list[1].site, "foot");
	assert_null(list[1].note);
	assert_false(list[1].delivered);
	assert_string_equal(list[2].leg, "unknown");
	assert_string_equal(list[2].note, "no leg given");
	store_cramps_free(list, 3);
	assert_int_equal(store_cramp_mark_delivered(s, "c-1"), 0);
	assert_int_equal(store_cramps_read(s, true, 0, 10, &list), 2);
	assert_string_equal(list[0].id, "c-2");
	assert_string_equal(list[1].id, "c-3");
	store_cramps_free(list, 2);
	store_close(s);
}

/*
 * A damaged file's salvage copies all it reads: every cramp as it was (the
 * delivered one stays delivered: the broker is not sent it again), the
 * advisories, the reminder records, the settings, the room's temperatures and
 * the relays' times; a second salvage into
 * the same store adds nothing.
 */
static void test_salvage_copies_the_history(void **state)
{
	char kind[] = "cramp_frequency", message[] = "seeded";
	struct store_advisory adv = { .kind = kind, .time = 1000, .message = message, .count = 3 };
	struct store_reminder_record *records = NULL;
	struct store_relay relay = { 0 };
	struct store_cramp c, *cramps = NULL;
	double room_c = 0;
	struct store *s = NULL, *from = NULL;
	char a[300], b[300], path[400];
	int undelivered = -1, n;
	bool complete = false;

	snprintf(a, sizeof(a), "%s/a", (char *) *state);
	snprintf(b, sizeof(b), "%s/b", (char *) *state);
	snprintf(path, sizeof(path), "%s/" STORE_FILE_NAME, a);
	assert_int_equal(store_open(a, &s), 0);
	c = store_fixture_cramp("sent", 1000, "left");
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_cramp_mark_delivered(s, "sent"), 0);
	c = store_fixture_cramp("waiting", 2000, "right");
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_advisory_add(s, "adv-1", &adv), 0);
	assert_int_equal(store_fixture_record(s, "run-1", "soak", "sent", 1100, 0), 0);
	assert_int_equal(store_fixture_record(s, "run-1", "soak", "done", 1200, 0), 0);
	assert_int_equal(store_setting_set(s, "floor", "19.5"), 0);
	assert_int_equal(store_room_temperature_add(s, 1500, 3600, 17.5), 0);
	assert_int_equal(store_room_temperature_add(s, 1800, 3600, 17.25), 0);
	assert_int_equal(store_relay_switched(s, "radiator", false, 1900000000), 0);
	s = store_close(s);

	assert_int_equal(store_open_read_only(path, &from), 0);
	assert_int_equal(store_open(b, &s), 0);
	assert_int_equal(store_cramps_salvage(from, s, &undelivered, &complete), 2);
	assert_int_equal(undelivered, 1);
	assert_true(complete);
	assert_int_equal(store_advisories_salvage(from, s), 1);
	assert_int_equal(store_reminder_records_salvage(from, s), 2);
	assert_int_equal(store_settings_salvage(from, s), 1);
	assert_int_equal(store_room_temperature_add(s, 1800, 3600, 18.5), 0); /* newer: kept */
	assert_int_equal(store_room_temperature_salvage(from, s), 1);
	assert_int_equal(store_relays_salvage(from, s), 1);
	/* What the new store holds already is left: by its id, its key. */
	assert_int_equal(store_cramps_salvage(from, s, &undelivered, &complete), 0);
	assert_int_equal(undelivered, 0);
	assert_int_equal(store_advisories_salvage(from, s), 0);
	assert_int_equal(store_settings_salvage(from, s), 0);
	assert_int_equal(store_room_temperature_salvage(from, s), 0);
	assert_int_equal(store_relays_salvage(from, s), 0);
	from = store_close(from);

	n = store_cramps_read(s, false, 0, 10, &cramps);
	assert_int_equal(n, 2);
	assert_string_equal(cramps[0].id, "sent");
	assert_true(cramps[0].delivered);
	assert_string_equal(cramps[1].id, "waiting");
	assert_false(cramps[1].delivered);
	assert_string_equal(cramps[1].leg, "right");
	store_cramps_free(cramps, (size_t) n);
	/* Only the one the broker does not have is sent. */
	n = store_cramps_read(s, true, 0, 10, &cramps);
	assert_int_equal(n, 1);
	assert_string_equal(cramps[0].id, "waiting");
	store_cramps_free(cramps, (size_t) n);
	n = store_reminder_records_read_range(s, 0, 10000, &records);
	assert_int_equal(n, 2);
	assert_string_equal(records[0].record, "sent");
	assert_string_equal(records[1].record, "done");
	store_reminder_records_free(records, (size_t) n);
	/* The lowest is the salvaged 17.5 beside the new store's own 18.5. */
	assert_int_equal(store_room_temperature_min(s, 0, 2000, &room_c), 0);
	assert_true(room_c == 17.5);
	assert_int_equal(store_room_temperature_min(s, 1700, 2000, &room_c), 0);
	assert_true(room_c == 18.5);
	assert_int_equal(store_relay_get(s, "radiator", &relay), 0);
	assert_true(relay.last_off_usec == 1900000000 && relay.last_on_usec == 0);
	store_close(s);
}

/* Each relay's last on and off, apart per heater, kept across a reopen. */
static void test_relays_survive_reopen(void **state)
{
	struct store_relay r = { .last_on_usec = -1, .last_off_usec = -1 };
	struct store *s = NULL;

	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_relay_get(s, "radiator", &r), -ENOENT);
	assert_true(r.last_on_usec == -1); /* untouched */
	assert_int_equal(store_relay_switched(s, "radiator", true, 1000000), 0);
	assert_int_equal(store_relay_get(s, "radiator", &r), 0);
	assert_true(r.last_on_usec == 1000000 && r.last_off_usec == 0);
	assert_int_equal(store_relay_switched(s, "radiator", false, 2000000), 0);
	assert_int_equal(store_relay_switched(s, "fan", true, 3000000), 0);
	s = store_close(s);

	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(store_relay_get(s, "radiator", &r), 0);
	assert_true(r.last_on_usec == 1000000 && r.last_off_usec == 2000000);
	assert_int_equal(store_relay_get(s, "fan", &r), 0);
	assert_true(r.last_on_usec == 3000000 && r.last_off_usec == 0);
	store_close(s);
}

/* A cramp given its reporter's better time: moved, amended, to be sent again. */
static void test_cramp_retime(void **state)
{
	struct store_cramp *list = NULL, c;
	struct store *s = NULL;

	assert_int_equal(store_open(*state, &s), 0);
	c = store_fixture_cramp("button", SET + 100, "unknown");
	c.delivered = true;
	assert_int_equal(store_cramp_add(s, &c), 0);
	assert_int_equal(store_cramp_retime(s, "button", SET + 18000, 3600), 0);
	assert_int_equal(store_cramps_read(s, false, 0, 10, &list), 1);
	assert_true(list[0].time == SET + 18000);
	assert_int_equal(list[0].tz_offset_s, 3600);
	assert_true(list[0].amended);
	assert_false(list[0].delivered);
	store_cramps_free(list, 1);
	assert_int_equal(store_cramp_retime(s, "nobody", SET, 0), -ENOENT);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_cramps_outbox_order_and_delivery),
		STORE_TEST(test_room_temperature_and_prune),
		STORE_TEST(test_prune_empties_no_table),
		STORE_TEST(test_prune_keeps_what_an_unset_clock_dated),
		STORE_TEST(test_confirms_and_reminder_records),
		STORE_TEST(test_reminder_state_and_outbox),
		STORE_TEST(test_cramp_amend),
		STORE_TEST(test_cramp_retime),
		STORE_TEST(test_relays_survive_reopen),
		STORE_TEST(test_salvage_copies_the_history),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
