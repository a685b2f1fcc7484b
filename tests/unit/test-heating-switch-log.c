/* What the journal says when a heater is switched: the words fit the room it states. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/heating-internal.h"
#include "tests/unit/stderr-capture.h"

struct said {
	struct heating h;
	struct thermostat_decision d;
};

static void say(void *arg)
{
	struct said *s = arg;

	heating_log_switch(&s->h, 0, &s->d);
}

/* The line for stage 0 switched off while idle, the room @room_c, the air estimated @est_c. */
static char *off_line(double room_c, double est_c)
{
	struct said s = { 0 };

	s.h.n_stages = 1;
	s.h.connected = true;
	snprintf(s.h.stages[0].source, sizeof(s.h.stages[0].source), "heater.oil");
	s.h.in.room_known = true;
	s.h.in.room_c = room_c;
	s.d.n_stages = 1;
	s.d.floor_c = 18.0;
	s.d.estimate_c = est_c;
	s.d.stage[0].reason = THERMOSTAT_REASON_IDLE;
	return stderr_captured(say, &s);
}

/*
 * "OFF (warm enough: room 17.8 °C, floor 18.0 °C)" read as a contradiction (a
 * user trial): a reading below the floor says the air the thermostat judges.
 */
static void test_warm_enough_below_the_floor_says_the_estimate(void **state)
{
	char *line;

	(void) state;
	line = off_line(17.8, 18.34);
	if (!strstr(line, "heater.oil: OFF (warm enough: room 17.8 °C, the air estimated at "
			  "18.3 °C, floor 18.0 °C)"))
		fail_msg("got '%s'", line);
	free(line);
	line = off_line(18.6, 18.7);
	if (!strstr(line, "heater.oil: OFF (warm enough: room 18.6 °C, floor 18.0 °C)"))
		fail_msg("got '%s'", line);
	free(line);
	line = off_line(17.8, NAN);
	if (!strstr(line, "heater.oil: OFF (warm enough: room 17.8 °C, floor 18.0 °C)"))
		fail_msg("got '%s'", line);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warm_enough_below_the_floor_says_the_estimate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
