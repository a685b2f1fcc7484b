/* The cramp's event as consumers read it: its shape, and a store text that is not UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cramp-event.h"
#include "store/cramps.h"

static char id[] = "bedroom-cramp-1", left[] = "left", calf[] = "calf", button[] = "button",
	    latin1[] = "w\xe4rme";

static struct store_cramp cramp(void)
{
	return (struct store_cramp){
		.id = id,
		.time = 1796263800, /* 2026-12-03T03:10:00+01:00 */
		.tz_offset_s = 3600,
		.leg = left,
		.site = calf,
		.source = button,
		.room_c = 17.456,
		.min_room_c = NAN,
		.in_bed = 1,
		.heater_on = -1,
		.heater_duty_1h = NAN,
		.soak_done = 0,
		.count_7d = 3,
	};
}

static char *dumped(const struct store_cramp *c)
{
	json_t *j = cramp_event_json(c);
	char *text;

	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6));
	json_decref(j);
	assert_non_null(text);
	return text;
}

static void test_the_event_of_a_cramp(void **state)
{
	struct store_cramp c = cramp();
	char *text = dumped(&c);

	(void) state;
	assert_string_equal(
	    text,
	    "{\"amended\":false,\"confirms\":null,\"context\":{\"foot_soak_done\":false,"
	    "\"heater_duty_1h\":null,\"heater_on\":null,\"in_bed\":true,\"in_bed_since\":null,"
	    "\"lowest_room_temperature\":null,\"room_temperature\":17.46},\"cramps_7d\":3,"
	    "\"id\":\"bedroom-cramp-1\",\"leg\":\"left\",\"note\":null,\"site\":\"calf\","
	    "\"source\":\"button\",\"suspected\":false,\"time\":\"2026-12-03T03:10:00+01:00\","
	    "\"time_estimated\":false}");
	free(text);
	c.count_7d = -1; /* the store failed: not known */
	text = dumped(&c);
	assert_non_null(strstr(text, "\"cramps_7d\":null"));
	free(text);
}

/* A note the store holds in Latin-1 (a damaged file, a hand edit) is escaped, not the event lost.
 */
static void test_a_note_that_is_not_utf8_is_escaped(void **state)
{
	struct store_cramp c = cramp();
	char *text;

	(void) state;
	c.note = latin1;
	text = dumped(&c);
	assert_non_null(strstr(text, "\"note\":\"w\\\\xe4rme\""));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_event_of_a_cramp),
		cmocka_unit_test(test_a_note_that_is_not_utf8_is_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
