/*
 * The reminders' commits without a store: the records wait in memory and are
 * written once it is there; the events wait in memory and stay ahead of what
 * comes after them (they are sent from there, in order). With a store, a
 * commit is one transaction.
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

	assert_int_equal(store_open(*state, &s), 0);
	reminders_outbox_set_store(o, s);
	assert_int_equal(records(s), 1); /* the record that waited */
	assert_int_equal(reminders_outbox_in_memory(o), 1);

	/* Behind an event in memory: the state and record to the store, the event behind it. */
	rec.record = done;
	rec.time = 6;
	assert_int_equal(reminders_outbox_commit(o, &st, &rec, 1, &ev, 1), 0);
	assert_int_equal(reminders_outbox_in_memory(o), 2);
	assert_int_equal(records(s), 2);
	assert_int_equal(store_reminder_states_read(s, &states), 1);
	assert_string_equal(states[0].state, "due");
	store_reminder_states_free(states, 1);
	assert_int_equal(store_reminder_outbox_read(s, 10, &out), 0);
	store_reminder_events_free(out, 0);
	reminders_outbox_free(o);

	/* A fresh one with the store: the event is in the outbox. */
	assert_int_equal(reminders_outbox_new(&o), 0);
	reminders_outbox_set_store(o, s);
	assert_int_equal(reminders_outbox_commit(o, NULL, NULL, 0, &ev, 1), 0);
	assert_int_equal(reminders_outbox_in_memory(o), 0);
	assert_int_equal(store_reminder_outbox_read(s, 10, &out), 1);
	assert_string_equal(out[0].payload, payload);
	store_reminder_events_free(out, 1);
	reminders_outbox_free(o);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_without_a_store_then_with_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
