/*
 * Two thermometers, one goes silent: heating works from the value the room
 * publishes (daemon/heating-path.c, through the replay the benchmarks use),
 * never from the silent one's last value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "daemon/heating-path.h"
#include "daemon/heating-replay.h"

#define SEC 1000000ULL
#define MIN (60 * SEC)

static struct config *load(const char *text)
{
	struct config *c = NULL;
	char *error = NULL, path[64];
	int fd = memfd_create("test-room-fallback", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (config_load(path, &c, &error) < 0)
		fail_msg("config: %s", error);
	close(fd);
	return c;
}

static int at(struct heating_replay *r, uint64_t now, size_t sensor, int32_t mc)
{
	struct temp_reading reading = { .value_mc = mc };

	return heating_replay_at(r, now, 23 * 3600, sensor, mc ? &reading : NULL, NULL);
}

/*
 * first: a (stale after 10 s) and b (an hour). b reads 16.5, a 21.0 rising, then
 * a goes silent. From a's stale edge on, the thermostat's input is what the
 * room publishes: b's 16.5, at the time b took it; never a's 21.02. The
 * thermostat starts its estimate again from it and heats (it kept a's warm
 * estimate, idle, until b read again).
 */
static void test_heating_follows_the_room(void **state)
{
	struct config *c =
	    load("[room]\naggregate = first\n[heating]\nfloor = 18\nmin_on = 0\nmin_off = 0\n"
		 "[sensor.a]\ntype = mqtt\ntopic = a\nstale_after = 10s\n"
		 "max_age = 10min\n"
		 "[sensor.b]\ntype = mqtt\ntopic = b\n");
	const struct thermostat_input *in;
	struct heating_replay *r = NULL;
	uint64_t t = 1000 * SEC;

	(void) state;
	assert_int_equal(heating_replay_new(c, &r), 0);
	in = heating_replay_input(r);
	at(r, t, 1, 16500);
	at(r, t + 1 * SEC, 0, 21000);
	at(r, t + 3 * SEC, 0, 21010);
	at(r, t + 5 * SEC, 0, 21020);
	assert_true(in->room_known && in->room_c == 21.02 && in->room_usec == t + 5 * SEC);
	assert_false(heating_replay_decision(r)->stage[0].on);
	/* a's stale edge: the room falls back to b */
	assert_int_equal(at(r, t + 15 * SEC, 0, 0), 1);
	assert_true(in->room_known);
	assert_true(in->room_c == 16.5);
	assert_true(in->room_usec == t);
	assert_true(heating_replay_decision(r)->estimate_c == 16.5);
	assert_true(heating_replay_decision(r)->stage[0].on);
	assert_int_equal(heating_replay_decision(r)->stage[0].reason, THERMOSTAT_REASON_HEATING);
	heating_replay_free(r);
	config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heating_follows_the_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
