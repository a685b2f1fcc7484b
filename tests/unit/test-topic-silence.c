/* An MQTT thermometer's topic that nothing arrives on: said once, and its first message too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sensors/topic-silence.h"

#define S   1000000ULL
#define MIN (60 * S)
#define H   (60 * MIN)

/* A typo: nothing for ten minutes after subscribing is said, once; then the first message. */
static void test_silence_is_said_once(void **state)
{
	struct topic_silence t;

	topic_silence_init(&t, H);
	assert_int_equal(topic_silence_due_usec(&t), UINT64_MAX); /* not subscribed yet */
	topic_silence_listen(&t, 5 * S);
	assert_int_equal(topic_silence_due_usec(&t), 5 * S + 10 * MIN);
	assert_false(topic_silence_check(&t, 5 * S + 10 * MIN - 1));
	assert_true(topic_silence_check(&t, 5 * S + 10 * MIN));
	assert_false(topic_silence_check(&t, 5 * S + 20 * MIN));
	assert_int_equal(topic_silence_due_usec(&t), UINT64_MAX);
	/* The connection comes and goes: said already. */
	topic_silence_pause(&t);
	topic_silence_listen(&t, H);
	assert_int_equal(topic_silence_due_usec(&t), UINT64_MAX);
	assert_false(topic_silence_check(&t, 2 * H));
	/* The fixed topic's first message is said, later ones are not. */
	assert_true(topic_silence_heard(&t));
	assert_false(topic_silence_heard(&t));
}

/* A topic heard in time is never said, nor its first message. */
static void test_heard_in_time_is_quiet(void **state)
{
	struct topic_silence t;

	topic_silence_init(&t, H);
	topic_silence_listen(&t, 0);
	assert_false(topic_silence_heard(&t));
	assert_int_equal(topic_silence_due_usec(&t), UINT64_MAX);
	assert_false(topic_silence_check(&t, 2 * H));
	/* Silent later, it is the stale check's business. */
	topic_silence_pause(&t);
	topic_silence_listen(&t, 3 * H);
	assert_false(topic_silence_check(&t, 4 * H));
}

/* Only time connected counts: a broker away for a while does not make a topic silent. */
static void test_listening_restarts_with_the_connection(void **state)
{
	struct topic_silence t;

	topic_silence_init(&t, H);
	topic_silence_listen(&t, 0);
	topic_silence_listen(&t, 5 * MIN); /* already listening: no change */
	assert_int_equal(topic_silence_due_usec(&t), 10 * MIN);
	topic_silence_pause(&t);
	assert_int_equal(topic_silence_due_usec(&t), UINT64_MAX);
	assert_false(topic_silence_check(&t, 30 * MIN));
	topic_silence_listen(&t, 30 * MIN);
	assert_int_equal(topic_silence_due_usec(&t), 40 * MIN);
	assert_true(topic_silence_check(&t, 40 * MIN));
}

/* A max_age shorter than ten minutes: the device reports more often, silence is said sooner. */
static void test_short_max_age(void **state)
{
	struct topic_silence t;

	topic_silence_init(&t, 2 * MIN);
	topic_silence_listen(&t, 0);
	assert_int_equal(topic_silence_due_usec(&t), 2 * MIN);
	topic_silence_init(&t, 0); /* no limit: ten minutes */
	topic_silence_listen(&t, 0);
	assert_int_equal(topic_silence_due_usec(&t), TOPIC_SILENCE_MAX_USEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_silence_is_said_once),
		cmocka_unit_test(test_heard_in_time_is_quiet),
		cmocka_unit_test(test_listening_restarts_with_the_connection),
		cmocka_unit_test(test_short_max_age),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
