/*
 * Wall-clock jumps of hours, forwards and backwards. Linux does not put
 * CLOCK_REALTIME in a time namespace, so the daemon runs with clock-shim.c
 * preloaded and a control file the test rewrites: CLOCK_REALTIME moves,
 * CLOCK_MONOTONIC does not, as when NTP or a person sets the clock. TZ=UTC. The night window is
 * 22:00-07:00 with no day floor, the room is cold: at noon the heater stays off ("no_floor"); a
 * jump to 23:00 heats at the next reading; a jump back to noon switches it off. Afterwards: never a
 * heater left on by day, the state's heating_reason and action those of the new wall time, no alert
 * and no reminder from a jump.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/faults/rig.h"

struct fixture {
	struct rig rig;
	char control[200];       /* the shim's FAULTS_CLOCK_FILE: seconds to add */
	long long noon_offset_s; /* this offset makes the daemon's clock read 12:00 UTC today */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return f ? rig_setup(&f->rig, "clock",
			     "night = 22:00-07:00\nday_floor = off\npreheat_max = 0", NULL, NULL)
		 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rig_teardown(&f->rig);
	free(f);
	return 0;
}

/* The daemon's clock now reads @hour:00 UTC today (+ @days); atomically. */
static void set_clock(struct fixture *f, int hour, int days)
{
	long long offset = f->noon_offset_s + (long long) (hour - 12) * 3600 + days * 86400LL;
	char tmp[210];
	FILE *file;

	snprintf(tmp, sizeof(tmp), "%s.new", f->control);
	file = fopen(tmp, "we");
	assert_non_null(file);
	fprintf(file, "%lld\n", offset);
	assert_int_equal(fclose(file), 0);
	assert_int_equal(rename(tmp, f->control), 0);
}

/* After a jump: the state at the new wall time, and the plug told so if that changed. */
static void expect(struct rig *r, bool night, bool changed)
{
	const char *reason =
	    night ? "~\"heating_reason\":\"heating\"" : "~\"heating_reason\":\"no_floor\"";

	const struct message *m;

	if (!changed) {
		/*
		 * Day to day (or night to night): nothing to publish, and the state
		 * retained from before is still right; any state now must agree.
		 */
		m = client_wait(r->client, rig_topic(r, "state"), NULL, 3000);
		if (m)
			assert_non_null(strstr(m->payload, reason + 1));
		return;
	}
	assert_non_null(client_wait(r->client, rig_topic(r, "state"), reason, 10000));
	assert_non_null(client_wait(r->client, rig_topic(r, "state"),
				    night ? "~\"action\":\"heating\"" : "~\"action\":\"idle\"",
				    1000));
	if (night)
		assert_non_null(client_wait(r->client, rig_plug_on_topic(r), "~Power ON", 5000));
	else
		assert_non_null(client_wait(r->client, rig_plug_off_topic(r), "OFF", 5000));
}

/* Nothing but what the jump should do: no alert, no reminder, no ON by day. */
static void nothing_else(struct rig *r, bool night, int *states)
{
	const struct message *msgs;
	size_t n = client_messages(r->client, &msgs);
	char alerts[128], reminders[128], on[128];

	snprintf(alerts, sizeof(alerts), "%s", rig_topic(r, "event/alert"));
	snprintf(reminders, sizeof(reminders), "%s", rig_topic(r, "event/reminder"));
	snprintf(on, sizeof(on), "%s", rig_plug_on_topic(r));
	for (size_t i = 0; i < n; i++) {
		if (strcmp(msgs[i].topic, alerts) == 0)
			fail_msg("an alert after a clock jump: %s", msgs[i].payload);
		if (strcmp(msgs[i].topic, reminders) == 0)
			fail_msg("a reminder after a clock jump: %s", msgs[i].payload);
		if (!night && strcmp(msgs[i].topic, on) == 0)
			fail_msg("the heater was switched on by day");
		*states += strcmp(msgs[i].topic, rig_topic(r, "state")) == 0;
	}
}

static void test_clock_jumps(void **state)
{
	struct fixture *f = *state;
	struct rig *r = &f->rig;
	static const struct {
		int hour, days;
	} jumps[] = {
		{ 23, 0 }, { 12, 0 }, { 2, 1 }, { 12, 0 }, { 12, 3 }, { 23, -2 }, { 12, -2 }
	};
	const char *lib = getenv("FAULTS_CLOCK_SHIM");
	char preload[300], control[240], asan[300];
	const char *env[] = { preload, control, "TZ=UTC", asan, NULL };
	time_t now = time(NULL);
	int states = 0;
	bool was_night = false;

	if (!lib || access(lib, R_OK) < 0)
		fail_msg("the clock shim is missing: '%s'", lib ? lib : "");
	snprintf(f->control, sizeof(f->control), "%s/faketime", r->dir);
	f->noon_offset_s = (long long) (now / 86400 * 86400 + 12 * 3600) - (long long) now;
	set_clock(f, 12, 0);
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", lib);
	snprintf(control, sizeof(control), "FAULTS_CLOCK_FILE=%s", f->control);
	/* Under ASan (CI's second pass) the preloaded shim comes before its runtime. */
	snprintf(asan, sizeof(asan), "ASAN_OPTIONS=%s%sverify_asan_link_order=0",
		 getenv("ASAN_OPTIONS") ? getenv("ASAN_OPTIONS") : "",
		 getenv("ASAN_OPTIONS") ? ":" : "");

	assert_int_equal(rig_room(r, 16.0), 0);
	assert_int_equal(rig_start_plug(r), 0);
	assert_int_equal(daemon_start_env(&r->daemon, env), 0);
	assert_int_equal(daemon_wait_notify(&r->daemon, "READY=1", 10000), 0);
	assert_non_null(client_wait(r->client, rig_topic(r, "availability"), "online", 10000));
	expect(r, false, true);
	nothing_else(r, false, &states);
	for (size_t i = 0; i < sizeof(jumps) / sizeof(jumps[0]); i++) {
		bool night = jumps[i].hour >= 22 || jumps[i].hour < 7;
		long long t0;

		client_clear(r->client);
		rig_drain_notify(r);
		set_clock(f, jumps[i].hour, jumps[i].days);
		t0 = now_ms();
		expect(r, night, night != was_night);
		was_night = night;
		printf("# to %02d:00 %+d d: %s within %lld ms\n", jumps[i].hour, jumps[i].days,
		       night ? "night, heating" : "day, no floor, off", now_ms() - t0);
		rig_drain(r->client, 1000);
		nothing_else(r, night, &states);
	}
	if (states > 10 * (int) (sizeof(jumps) / sizeof(jumps[0])))
		fail_msg("%d state messages for %zu jumps: a burst", states,
			 sizeof(jumps) / sizeof(jumps[0]));
	printf("faults: clock-jumps: %zu jumps of 11 h to 3 days, forwards and backwards: the "
	       "night window right at the next reading, no heater on by day, 0 alerts, 0 "
	       "reminders, %d state messages\n",
	       sizeof(jumps) / sizeof(jumps[0]), states);
}

/* Starts the daemon with the shim (its wall clock from f->control) and waits for it online. */
static void start_shimmed(struct fixture *f)
{
	const char *lib = getenv("FAULTS_CLOCK_SHIM");
	char preload[300], control[240], asan[300];
	const char *env[] = { preload, control, "TZ=UTC", asan, NULL };
	struct rig *r = &f->rig;

	if (!lib || access(lib, R_OK) < 0)
		fail_msg("the clock shim is missing: '%s'", lib ? lib : "");
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", lib);
	snprintf(control, sizeof(control), "FAULTS_CLOCK_FILE=%s", f->control);
	snprintf(asan, sizeof(asan), "ASAN_OPTIONS=%s%sverify_asan_link_order=0",
		 getenv("ASAN_OPTIONS") ? getenv("ASAN_OPTIONS") : "",
		 getenv("ASAN_OPTIONS") ? ":" : "");
	assert_int_equal(daemon_start_env(&r->daemon, env), 0);
	assert_int_equal(daemon_wait_notify(&r->daemon, "READY=1", 10000), 0);
	assert_non_null(client_wait(r->client, rig_topic(r, "availability"), "online", 10000));
}

/*
 * A Pi without a real-time clock, after a power cut: the clock reads 1970
 * until NTP answers. A cramp logged then is dated 1970, said so, delivered;
 * once the clock is set, the prune at the next start keeps it (it used to
 * take it as two years old and delete it from the log).
 */
static void test_a_cramp_before_ntp_is_kept(void **state)
{
	struct fixture *f = *state;
	struct rig *r = &f->rig;
	char where[80];

	snprintf(f->control, sizeof(f->control), "%s/faketime", r->dir);
	f->noon_offset_s = 1000 - (long long) time(NULL); /* 1970-01-01 00:16:40 */
	set_clock(f, 12, 0);
	assert_int_equal(rig_room(r, 19.0), 0);
	start_shimmed(f);
	assert_int_equal(client_publish_acked(r->client, rig_topic(r, "cramp"),
					      "{\"leg\":\"left\",\"note\":\"before ntp\"}", 5000),
			 0);
	assert_non_null(client_wait(r->client, rig_topic(r, "event/cramp"), "~before ntp", 10000));
	assert_int_equal(rig_wait_log_after(r, "cramp log: the clock is not set yet", 0, 5000), 0);
	snprintf(where, sizeof(where), "note = 'before ntp' AND delivered = 1 AND time < %lld",
		 (long long) 1735689600);
	assert_int_equal(rig_wait_rows(r->db, "cramps", where, 1, 5000), 1);

	/* NTP sets the clock; the next start prunes what is older than its retention. */
	f->noon_offset_s = 0;
	set_clock(f, 12, 0); /* no offset: the real time */
	assert_int_equal(kill(r->daemon.pid, SIGTERM), 0);
	assert_true(daemon_wait_exit(&r->daemon, 10000) >= 0);
	start_shimmed(f);
	rig_drain(r->client, 1000);
	assert_int_equal(rig_wait_rows(r->db, "cramps", where, 1, 1000), 1);
	printf("faults: clock-jumps: a cramp logged at 1970 before NTP is kept over the prune "
	       "once the clock is set\n");
}

/*
 * A clock chip that lost its battery can set the clock decades ahead: every
 * cramp is then "older than the retention". The prune at the start keeps them
 * all and the journal asks whether the clock is right.
 */
static void test_a_clock_years_ahead_prunes_no_cramp(void **state)
{
	struct fixture *f = *state;
	struct rig *r = &f->rig;

	snprintf(f->control, sizeof(f->control), "%s/faketime", r->dir);
	f->noon_offset_s = 0;
	set_clock(f, 12, 0); /* the real time */
	assert_int_equal(rig_room(r, 19.0), 0);
	start_shimmed(f);
	assert_int_equal(client_publish_acked(r->client, rig_topic(r, "cramp"),
					      "{\"leg\":\"left\",\"note\":\"real time\"}", 5000),
			 0);
	assert_int_equal(
	    rig_wait_rows(r->db, "cramps", "note = 'real time' AND delivered = 1", 1, 10000), 1);

	/* 2100: the store opens, and prunes, at the start. */
	assert_int_equal(kill(r->daemon.pid, SIGTERM), 0);
	assert_true(daemon_wait_exit(&r->daemon, 10000) >= 0);
	f->noon_offset_s = 4102444800LL - (long long) time(NULL);
	set_clock(f, 12, 0);
	start_shimmed(f);
	assert_int_equal(rig_wait_log_after(r,
					    "is older than the retention (730 days) by the clock "
					    "(2100-",
					    0, 10000),
			 0);
	assert_int_equal(rig_wait_rows(r->db, "cramps", "note = 'real time'", 1, 1000), 1);
	printf("faults: clock-jumps: a start by a clock at 2100 prunes no cramp, and says why\n");
}

/*
 * The same Pi at noon by a clock that is not set (1970): any hour may really be
 * 3 a.m., so the cold room is heated to the floor; once NTP sets the clock to
 * noon, the day's rules apply again.
 */
static void test_an_unset_clock_holds_the_night_floor(void **state)
{
	struct fixture *f = *state;
	struct rig *r = &f->rig;

	snprintf(f->control, sizeof(f->control), "%s/faketime", r->dir);
	f->noon_offset_s = 12 * 3600 - (long long) time(NULL); /* 1970-01-01 12:00 UTC */
	set_clock(f, 12, 0);
	assert_int_equal(rig_room(r, 16.0), 0);
	assert_int_equal(rig_start_plug(r), 0);
	start_shimmed(f);
	expect(r, true, true);
	assert_int_equal(rig_wait_log_after(r, "the wall clock is not set yet", 0, 5000), 0);

	/* NTP: noon today, a day with no floor. */
	client_clear(r->client);
	f->noon_offset_s =
	    (long long) (time(NULL) / 86400 * 86400 + 12 * 3600) - (long long) time(NULL);
	set_clock(f, 12, 0);
	expect(r, false, true);
	assert_int_equal(rig_wait_log_after(r, "the wall clock is set; the night window", 0, 5000),
			 0);
	printf("faults: clock-jumps: at noon by an unset clock (1970) the cold room is heated to "
	       "the floor; at noon by the set clock it is not\n");
}

/*
 * The same Pi, its clock at 1970: the bedside button's `{}` is stamped by this
 * machine's clock, the phone's report of the same cramp seconds later carries
 * its own, right, time. One cramp is logged, at the phone's time (they were
 * two, 56 years apart).
 */
static void test_one_cramp_by_receipt_on_an_unset_clock(void **state)
{
	struct fixture *f = *state;
	struct rig *r = &f->rig;
	long long phone = (long long) time(NULL) - 60;
	time_t phone_t = (time_t) phone;
	char report[160], where[120], iso[32];
	struct tm tm;

	snprintf(f->control, sizeof(f->control), "%s/faketime", r->dir);
	f->noon_offset_s = 1000 - (long long) time(NULL); /* 1970-01-01 00:16:40 */
	set_clock(f, 12, 0);
	assert_int_equal(rig_room(r, 19.0), 0);
	start_shimmed(f);
	assert_int_equal(client_publish_acked(r->client, rig_topic(r, "cramp"),
					      "{\"leg\":\"left\",\"note\":\"button\"}", 5000),
			 0);
	assert_non_null(client_wait(r->client, rig_topic(r, "event/cramp"), "~button", 10000));
	/* The daemon runs with TZ=UTC: the phone's local time is UTC. */
	assert_non_null(gmtime_r(&phone_t, &tm));
	assert_true(strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S", &tm) > 0);
	snprintf(report, sizeof(report), "{\"leg\":\"left\",\"time\":\"%s\",\"note\":\"phone\"}",
		 iso);
	assert_int_equal(client_publish_acked(r->client, rig_topic(r, "cramp"), report, 5000), 0);
	assert_int_equal(
	    rig_wait_log_after(r, "while the clock is not set: the same cramp", 0, 5000), 0);
	snprintf(where, sizeof(where), "time = %lld AND leg = 'left'", phone);
	assert_int_equal(rig_wait_rows(r->db, "cramps", where, 1, 5000), 1);
	assert_int_equal(rig_wait_rows(r->db, "cramps", "1", 1, 1000), 1);
	printf("faults: clock-jumps: a button press and the phone's report of one cramp, on a "
	       "clock at 1970: one cramp, at the phone's time\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clock_jumps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_cramp_before_ntp_is_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_clock_years_ahead_prunes_no_cramp, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_an_unset_clock_holds_the_night_floor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_one_cramp_by_receipt_on_an_unset_clock, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
