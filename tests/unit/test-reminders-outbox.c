/*
 * The reminders' commits without a store: the records and the events wait in
 * memory, at most 256 of each, and are written once it is there (the events
 * to its outbox); a write that fails (a full disk) waits the same way and is
 * written when tried again. With a store, a commit is one transaction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/reminders-outbox.h"
#include "store/testing.h"
#include "tests/unit/test-store-fixture.h"

static char name[] = "foot_soak", id[] = "bed-foot_soak-20260115T2130", sent[] = "sent",
	    done[] = "done", due[] = "due", payload[] = "{\"state\":\"due\"}";

static int records(struct store *s)
{
	struct store_reminder_record *r = NULL;
	int n = store_reminder_records_read_range(s, 0, INT64_MAX, &r);

	store_reminder_records_free(r, n > 0 ? (size_t) n : 0);
	return n;
}

static void test_without_a_store_then_with_one(void **state)
{
	struct store_reminder_state st = { .reminder = name, .since = 1, .state = due, .slot = 5 };
	struct store_reminder_record rec = {
		.run_id = id, .reminder = name, .record = sent, .time = 5, .slot = 5
	};
	struct store_reminder_event ev = { .run_id = id, .payload = payload };
	struct store_reminder_event *out = NULL;
	struct store_reminder_state *states = NULL;
	struct reminders_outbox *o = NULL;
	struct store *s = NULL;

	assert_int_equal(reminders_outbox_new(&o), 0);
	assert_int_equal(reminders_outbox_commit(o, &st, &rec, 1, &ev, 1), 1);
	assert_int_equal(reminders_outbox_in_memory(o), 1);

	assert_true(reminders_outbox_waiting(o));

	assert_int_equal(store_open(*state, &s), 0);
	reminders_outbox_set_store(o, s);
	assert_int_equal(records(s), 1); /* the record that waited */
	/* The event that waited is in the store's outbox now: it survives a restart. */
	assert_int_equal(reminders_outbox_in_memory(o), 0);
	assert_false(reminders_outbox_waiting(o));
	assert_int_equal(store_reminder_outbox_read(s, 10, &out), 1);
	assert_string_equal(out[0].payload, payload);
	store_reminder_events_free(out, 1);

	rec.record = done;
	rec.time = 6;
	assert_int_equal(reminders_outbox_commit(o, &st, &rec, 1, &ev, 1), 0);
	assert_int_equal(reminders_outbox_in_memory(o), 0);
	assert_int_equal(records(s), 2);
	assert_int_equal(store_reminder_states_read(s, &states), 1);
	assert_string_equal(states[0].state, "due");
	store_reminder_states_free(states, 1);
	assert_int_equal(store_reminder_outbox_read(s, 10, &out), 2);
	store_reminder_events_free(out, 2);
	reminders_outbox_free(o);

	/* A fresh one with the store: the event is in the outbox. */
	assert_int_equal(reminders_outbox_new(&o), 0);
	reminders_outbox_set_store(o, s);
	assert_int_equal(reminders_outbox_commit(o, NULL, NULL, 0, &ev, 1), 0);
	assert_int_equal(reminders_outbox_in_memory(o), 0);
	assert_int_equal(store_reminder_outbox_read(s, 10, &out), 3);
	assert_string_equal(out[2].payload, payload);
	store_reminder_events_free(out, 3);
	reminders_outbox_free(o);
	store_close(s);
}

/* Without a store for long: at most 256 events wait in memory, the newest. */
static void test_memory_is_bounded(void **state)
{
	struct store_reminder_event ev = { .run_id = id };
	struct store_reminder_event *out = NULL;
	struct reminders_outbox *o = NULL;
	struct store *s = NULL;
	char text[32];

	assert_int_equal(reminders_outbox_new(&o), 0);
	for (int i = 0; i < 300; i++) {
		snprintf(text, sizeof(text), "{\"n\":%d}", i);
		ev.payload = text;
		assert_int_equal(reminders_outbox_commit(o, NULL, NULL, 0, &ev, 1), 1);
	}
	assert_int_equal(reminders_outbox_in_memory(o), 256);
	assert_int_equal(store_open(*state, &s), 0);
	reminders_outbox_set_store(o, s);
	assert_int_equal(store_reminder_outbox_read(s, 300, &out), 256);
	assert_string_equal(out[0].payload, "{\"n\":44}");
	assert_string_equal(out[255].payload, "{\"n\":299}");
	store_reminder_events_free(out, 256);
	reminders_outbox_free(o);
	store_close(s);
}

/* A write that fails (a full disk) is not lost: it waits, and is written once tried again. */
static void test_a_failed_write_is_written_later(void **state)
{
	struct store_reminder_record rec = {
		.run_id = id, .reminder = name, .record = sent, .time = 5, .slot = 5
	};
	struct store_reminder_event ev = { .run_id = id, .payload = payload };
	struct store_reminder_event *out = NULL;
	struct reminders_outbox *o = NULL;
	struct store *s = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/bedroomd.db", (char *) *state);
	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(reminders_outbox_new(&o), 0);
	reminders_outbox_set_store(o, s);
	assert_int_equal(store_testing_fail_reminder_writes(path, true), 0);
	assert_int_equal(reminders_outbox_commit(o, NULL, &rec, 1, &ev, 1), 1);
	assert_true(reminders_outbox_waiting(o));
	reminders_outbox_set_store(o, s); /* tried again, still failing: still waiting */
	assert_true(reminders_outbox_waiting(o));
	assert_int_equal(records(s), 0);

	assert_int_equal(store_testing_fail_reminder_writes(path, false), 0);
	reminders_outbox_set_store(o, s);
	assert_false(reminders_outbox_waiting(o));
	assert_int_equal(records(s), 1);
	assert_int_equal(store_reminder_outbox_read(s, 10, &out), 1);
	store_reminder_events_free(out, 1);
	reminders_outbox_free(o);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_without_a_store_then_with_one),
		STORE_TEST(test_memory_is_bounded),
		STORE_TEST(test_a_failed_write_is_written_later),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
