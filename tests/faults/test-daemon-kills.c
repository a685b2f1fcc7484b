/*
 * A hundred SIGKILLs of the daemon at random moments (seeded; the seed is
 * printed): while it takes cramp reports and reminder answers, just after,
 * and while it starts. After each: PRAGMA integrity_check is "ok"; once it
 * runs again, every report and answer whose PUBACK reached the sender is in
 * the store (the broker keeps what the daemon did not take for its
 * persistent session); and the first heater command is OFF unless a reading
 * taken since the restart decided otherwise.
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

#define KILLS 100

struct run {
	struct rig *r;
	uint64_t rng;
	int cramps, answers; /* acknowledged by the broker */
	int starts_killed, on_first, off_first;
};

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));
	char at[16], sections[64];

	/* The foot soak due in an hour: a "done" is taken from 4 h before its run. */
	local_time_in(3600, at, sizeof(at));
	snprintf(sections, sizeof(sections), "[reminder.foot_soak]\nat = %s\n", at);
	*state = r;
	return r ? rig_setup(r, "kill", NULL, sections, NULL) : -1;
}

static int teardown(void **state)
{
	rig_teardown(*state);
	free(*state);
	return 0;
}

static void kill_now(struct run *x)
{
	kill(x->r->daemon.pid, SIGKILL);
	assert_true(daemon_wait_exit(&x->r->daemon, 5000) >= 0);
	if (rig_integrity(x->r->db) < 0)
		fail_msg("the store is damaged after a SIGKILL");
}

/* A cramp report (each its own: 20 minutes apart) or a reminder answer, acknowledged. */
static void send_command(struct run *x, int k, int j)
{
	char payload[200], iso[40];
	struct rig *r = x->r;
	time_t t;
	struct tm tm;

	if (rig_random(&x->rng) % 3 == 0) {
		assert_int_equal(client_publish_acked(r->client, rig_topic(r, "reminder/foot_soak"),
						      "done", 5000),
				 0);
		x->answers++;
		return;
	}
	t = time(NULL) - (time_t) (KILLS * 4 - x->cramps) * 1200;
	gmtime_r(&t, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(payload, sizeof(payload),
		 "{\"leg\":\"left\",\"note\":\"kill %03d.%d\",\"time\":\"%s\"}", k, j, iso);
	assert_int_equal(client_publish_acked(r->client, rig_topic(r, "cramp"), payload, 5000), 0);
	x->cramps++;
}

/* The first command to the plug since the client was cleared; NULL after @timeout_ms. */
static const struct message *first_plug_command(struct rig *r, int timeout_ms)
{
	char on[128], off[128];
	long long end = now_ms() + timeout_ms;

	snprintf(on, sizeof(on), "%s", rig_plug_on_topic(r));
	snprintf(off, sizeof(off), "%s", rig_plug_off_topic(r));
	do {
		const struct message *msgs;
		size_t n = client_messages(r->client, &msgs);

		for (size_t i = 0; i < n; i++)
			if (strcmp(msgs[i].topic, on) == 0 || strcmp(msgs[i].topic, off) == 0)
				return &msgs[i];
		rig_drain(r->client, 20);
	} while (now_ms() < end);
	return NULL;
}

static void restart(struct run *x)
{
	struct rig *r = x->r;
	int readings = rig_log_count(r, "heating: room");
	const struct message *m;
	char where[64];

	/* What the killed daemon sent is taken in and forgotten: what follows is the new one's. */
	rig_drain(r->client, 100);
	client_clear(r->client);
	rig_drain_notify(r);
	assert_int_equal(rig_start(r), 0);
	m = first_plug_command(r, 10000);
	assert_non_null(m);
	if (strstr(m->topic, "/Backlog")) {
		/* ON first: only on a reading taken since the restart. */
		if (rig_log_count(r, "heating: room") <= readings)
			fail_msg("the first command after a restart was ON with no fresh reading");
		x->on_first++;
	} else {
		assert_string_equal(m->payload, "OFF");
		x->off_first++;
	}
	if (rig_wait_rows(r->db, "cramps", "1", x->cramps, 10000) != x->cramps)
		fail_msg("%d cramps acknowledged, %d stored", x->cramps,
			 store_count_rows(r->db, "cramps", "1"));
	/*
	 * An answer changes its run once: a second "done" for tonight's foot soak
	 * changes nothing, by design. So every acknowledged answer is in the store
	 * as tonight's "done" (two nights' if the run crosses noon).
	 */
	snprintf(where, sizeof(where), "reminder = 'foot_soak' AND record = 'done'");
	for (long long end = now_ms() + 10000;
	     store_count_rows(r->db, "reminder_log", where) < (x->answers > 0) && now_ms() < end;)
		usleep(20000);
	if (store_count_rows(r->db, "reminder_log", where) < (x->answers > 0))
		fail_msg("%d answers acknowledged, %d stored", x->answers,
			 store_count_rows(r->db, "reminder_log", where));
}

static void test_a_hundred_sigkills(void **state)
{
	struct run x = { .r = *state, .rng = rig_seed("daemon-kills") };
	struct rig *r = x.r;
	long long start = now_ms();
	int answers_stored;

	assert_int_equal(rig_room(r, 15.0), 0);
	assert_int_equal(rig_start_plug(r), 0);
	assert_int_equal(rig_start(r), 0);
	for (int k = 0; k < KILLS; k++) {
		int n = (int) (rig_random(&x.rng) % 4);

		for (int j = 0; j < n; j++)
			send_command(&x, k, j);
		/* Within the next 20 ms: while a command is taken, stored, or after. */
		usleep(rig_random(&x.rng) % 20000);
		kill_now(&x);
		if (rig_random(&x.rng) % 4 == 0) {
			/* While it starts: the store opening, the broker's replay of the queue. */
			assert_int_equal(daemon_start(&r->daemon, NULL), 0);
			usleep(rig_random(&x.rng) % 150000);
			kill_now(&x);
			x.starts_killed++;
		}
		restart(&x);
	}
	answers_stored = store_count_rows(r->db, "reminder_log", "record = 'done'");
	printf("faults: daemon-kills: %d SIGKILLs survived (%d while starting) in %lld s, "
	       "integrity_check ok after each, %d cramps and %d answers acknowledged, 0 lost "
	       "(the answers are tonight's %d foot-soak done); first heater command OFF %d "
	       "times, ON after a fresh reading %d times\n",
	       KILLS + x.starts_killed, x.starts_killed, (now_ms() - start) / 1000, x.cramps,
	       x.answers, answers_stored, x.off_first, x.on_first);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_hundred_sigkills, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
