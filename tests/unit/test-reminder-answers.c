/* Answers to reminders: parsed, written to a real store, kept in memory while it fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/reminder-answers.h"
#include "store/store.h"

#define BASE "bedroomd/bedroom"

static int setup(void **state)
{
	char *dir = strdup("/tmp/bedroomd-test-reminders-XXXXXX");

	if (!dir || !mkdtemp(dir))
		return -1;
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *) *state);
	free(*state);
	return system(cmd) == 0 ? 0 : -1;
}

/* As the subscription to <base>/reminder/+ hands it on. */
static bool answer(struct reminder_answers *a, struct store *s, const char *topic,
		   const char *payload)
{
	reminder_answers_set_store(a, s);
	reminder_answers_receive(a, &(const struct mqtt_message){ .topic = topic,
								  .payload = payload,
								  .len = strlen(payload) });
	return true;
}

static void test_answers_are_checked_and_written(void **state)
{
	struct reminder_answers *a = NULL;
	struct store *s = NULL;
	int64_t now = (int64_t) time(NULL);

	assert_int_equal(store_open(*state, &s), 0);
	assert_int_equal(reminder_answers_new("bedroom", s, &a), 0);
	/*
	 * Refused: an unknown reminder, a bad answer, an empty name. (Topics that
	 * are not <base>/reminder/+ never get here: test-mqtt-slot matches them.)
	 */
	assert_true(answer(a, s, BASE "/reminder/nap", "done"));
	assert_true(answer(a, s, BASE "/reminder/foot_soak", "later"));
	assert_true(answer(a, s, BASE "/reminder/", "done"));
	assert_int_equal(store_reminder_answered(s, "foot_soak", false, 0, now + 60), 0);
	assert_int_equal(reminder_foot_soak_done(s, now), -1); /* never answered: unknown */
	/* A snooze is an answer, not the soak. */
	assert_true(answer(a, s, BASE "/reminder/foot_soak", "snooze"));
	assert_int_equal(reminder_foot_soak_done(s, now + 1), 0);
	assert_true(answer(a, s, BASE "/reminder/foot_soak", "{\"answer\":\"done\"}"));
	assert_int_equal(reminder_foot_soak_done(s, now + 1), 1);
	assert_int_equal(reminder_answers_pending(a), 0);
	reminder_answers_free(a);
	store_close(s);
}

static void test_answers_wait_while_the_store_fails(void **state)
{
	struct reminder_answers *a = NULL;
	struct store *s = NULL;
	int64_t now = (int64_t) time(NULL);

	assert_int_equal(reminder_answers_new("bedroom", NULL, &a), 0);
	/* No store: kept, oldest first, at most REMINDER_ANSWERS_PENDING. */
	assert_true(answer(a, NULL, BASE "/reminder/foot_soak", "done"));
	assert_int_equal(reminder_answers_pending(a), 1);
	for (int i = 0; i < REMINDER_ANSWERS_PENDING + 5; i++)
		assert_true(answer(a, NULL, BASE "/reminder/stretch", "done"));
	assert_int_equal(reminder_answers_pending(a), REMINDER_ANSWERS_PENDING);
	/* The store is back: everything that waited is written. */
	assert_int_equal(store_open(*state, &s), 0);
	reminder_answers_set_store(a, s);
	assert_int_equal(reminder_answers_pending(a), 0);
	assert_int_equal(store_reminder_answered(s, "stretch", true, now - 60, now + 60), 1);
	/* The foot soak was the oldest and fell out of the full memory. */
	assert_int_equal(store_reminder_answered(s, "foot_soak", false, now - 60, now + 60), 0);
	reminder_answers_free(a);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_answers_are_checked_and_written, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_answers_wait_while_the_store_fails, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
