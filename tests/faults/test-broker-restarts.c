/*
 * Twenty broker restarts while cramps are logged and the room is heated:
 * SIGTERM and SIGKILL, short and long outages. Each time, a cramp is logged
 * while the broker goes (stored, its event unsent), and the room changes
 * while the broker is away. Afterwards: the daemon is back within its
 * back-off bound, every cramp reached a subscriber (repeats only with the
 * same id), the plug got the decision for the room as it is now and never
 * the stale one, and the state says so.
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

#define RESTARTS 20

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));

	*state = r;
	/* The shortest dead-man allowed: the keep-alive must refresh it across every outage. */
	return r ? rig_setup(r, "restart", NULL, NULL, "auto_off = 1min") : -1;
}

static int teardown(void **state)
{
	rig_teardown(*state);
	free(*state);
	return 0;
}

/*
 * Logs cramp @i while the broker goes: the daemon is frozen while the broker
 * pushes the report into its socket, then the broker is frozen, so the event
 * the daemon sends waits unread, then the broker is stopped with @sig and its
 * unread data dies with it.
 */
static void cramp_while_the_broker_goes(struct rig *r, int i, int sig, struct rig_events *seen)
{
	char payload[200], note[32], iso[40], where[80];
	time_t t = time(NULL) - (time_t) (RESTARTS - i) * 1200; /* 20 min apart: each its own */
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(note, sizeof(note), "restart %02d", i);
	snprintf(payload, sizeof(payload), "{\"leg\":\"%s\",\"note\":\"%s\",\"time\":\"%s\"}",
		 i % 2 ? "left" : "right", note, iso);
	kill(r->daemon.pid, SIGSTOP);
	assert_int_equal(client_publish_acked(r->client, rig_topic(r, "cramp"), payload, 5000), 0);
	snprintf(payload, sizeof(payload), "~\"note\":\"%s\"", note);
	assert_non_null(client_wait(r->client, rig_topic(r, "cramp"), payload, 5000));
	usleep(100000);
	kill(r->broker.pid, SIGSTOP);
	kill(r->daemon.pid, SIGCONT);
	snprintf(where, sizeof(where), "note = '%s'", note);
	assert_int_equal(rig_wait_rows(r->db, "cramps", where, 1, 10000), 1);
	usleep(50000); /* the event is written into the frozen broker's socket */
	kill(r->broker.pid, sig);
	kill(r->broker.pid, SIGCONT);
	/* What the broker forwarded before it went is in our socket: take it in. */
	rig_drain(r->client, 200);
	rig_events_take(seen, r->client, r->base);
	r->client = client_free(r->client);
	broker_stop(&r->broker);
}

/* The back-off delay the daemon armed last ("reconnecting ... in X s"), in ms. */
static long long last_backoff_ms(struct rig *r)
{
	char *log = daemon_stderr(&r->daemon), *p, *last = NULL;
	double s = -1;

	for (p = log; p && (p = strstr(p, "reconnecting to MQTT broker")); p++)
		last = p;
	if (last && (p = strstr(last, " in ")))
		s = strtod(p + 4, NULL);
	free(log);
	return s < 0 ? -1 : (long long) (s * 1000);
}

/*
 * After the reconnect the plug gets the decision for the room as it is now
 * (the daemon read it during the outage): never ON in a warm room; ON, with
 * its dead-man, in a cold one.
 */
static void check_plug(struct rig *r, bool warm)
{
	const struct message *msgs, *last = NULL;
	char on[128], off[128];
	size_t n;

	snprintf(on, sizeof(on), "%s", rig_plug_on_topic(r));
	snprintf(off, sizeof(off), "%s", rig_plug_off_topic(r));
	if (warm)
		assert_non_null(client_wait(r->client, off, "OFF", 15000));
	else
		assert_non_null(client_wait(r->client, on, "~Power ON", 15000));
	n = client_messages(r->client, &msgs);
	for (size_t i = 0; i < n; i++) {
		bool is_on = strcmp(msgs[i].topic, on) == 0;

		if (!is_on && strcmp(msgs[i].topic, off) != 0)
			continue;
		if (warm && is_on)
			fail_msg("a warm room, and the plug was switched on: '%s'",
				 msgs[i].payload);
		if (is_on)
			assert_non_null(strstr(msgs[i].payload, "PulseTime")); /* the dead-man */
		last = &msgs[i];
	}
	assert_non_null(last);
	assert_string_equal(last->topic, warm ? off : on);
}

static void test_twenty_broker_restarts(void **state)
{
	struct rig *r = *state;
	struct rig_events seen = { 0 };
	uint64_t rng = rig_seed("broker-restarts");
	long long worst_reconnect = 0, worst_margin = -1000000;
	char note[64];
	int repeats;

	assert_int_equal(rig_room(r, 15.0), 0);
	assert_int_equal(rig_start_plug(r), 0);
	assert_int_equal(rig_start(r), 0);
	assert_non_null(client_wait(r->client, rig_plug_on_topic(r), "~Power ON", 20000));

	for (int i = 0; i < RESTARTS; i++) {
		int sig = i % 2 ? SIGKILL : SIGTERM;
		/* The room changes only in long outages, long enough for a reading. */
		bool long_outage = i % 4 >= 2, warm = (i + 2) / 4 % 2 == 1;
		bool change = i % 4 == 2;
		int outage_ms = long_outage ? 3000 + (int) (rig_random(&rng) % 2000)
					    : 100 + (int) (rig_random(&rng) % 400);
		long long t0, took, bound;

		rig_drain_notify(r);
		cramp_while_the_broker_goes(r, i, sig, &seen);
		t0 = now_ms();
		if (change) {
			const char *reads = warm ? "heating: room 22.000" : "heating: room 15.000";
			int before = rig_log_count(r, reads);

			assert_int_equal(rig_room(r, warm ? 22.0 : 15.0), 0);
			assert_int_equal(rig_wait_log_after(r, reads, before, 10000), 0);
		}
		if (now_ms() - t0 < outage_ms)
			usleep((useconds_t) (outage_ms - (now_ms() - t0)) * 1000);

		/* Back: the subscriber is in place before the daemon may reconnect. */
		kill(r->daemon.pid, SIGSTOP);
		assert_int_equal(broker_restart(&r->broker), 0);
		assert_int_equal(client_new(&r->broker, "#", &r->client), 0);
		bound = last_backoff_ms(r);
		t0 = now_ms();
		kill(r->daemon.pid, SIGCONT);
		assert_true(bound > 0);
		if (!client_wait(r->client, rig_topic(r, "availability"), "online",
				 (int) bound + 5000)) {
			char *log = broker_log(&r->broker);

			const struct message *msgs;
			size_t n = client_messages(r->client, &msgs);

			fprintf(stderr, "# broker log:\n%s", log ? log : "");
			free(log);
			for (size_t k = 0; k < n; k++)
				fprintf(stderr, "# got %s %s\n", msgs[k].topic, msgs[k].payload);
			fail_msg("restart %d: not online again", i);
		}
		took = now_ms() - t0;
		printf("# restart %2d: %s, outage %4d ms, room %s: back in %lld ms (back-off %lld "
		       "ms)\n",
		       i, sig == SIGKILL ? "SIGKILL" : "SIGTERM", outage_ms, warm ? "22" : "15",
		       took, bound);
		if (took > bound + 1000)
			fail_msg("reconnected after %lld ms; the back-off was %lld ms", took,
				 bound);
		worst_reconnect = took > worst_reconnect ? took : worst_reconnect;
		worst_margin = took - bound > worst_margin ? took - bound : worst_margin;

		snprintf(note, sizeof(note), "~\"note\":\"restart %02d\"", i);
		assert_non_null(client_wait(r->client, rig_topic(r, "event/cramp"), note, 15000));
		check_plug(r, warm);
		assert_non_null(client_wait(r->client, rig_topic(r, "state"),
					    warm ? "~\"temperature\":22" : "~\"temperature\":15",
					    15000));
		assert_non_null(
		    client_wait(r->client, rig_topic(r, "state"),
				warm ? "~\"action\":\"idle\"" : "~\"action\":\"heating\"", 15000));
		if (i + 1 < RESTARTS) {
			rig_events_take(&seen, r->client, r->base);
			client_clear(r->client);
		}
	}
	rig_drain(r->client, 500);
	rig_events_take(&seen, r->client, r->base);
	assert_int_equal(rig_wait_rows(r->db, "cramps", "delivered = 1", RESTARTS, 10000),
			 RESTARTS);
	assert_int_equal(store_count_rows(r->db, "cramps", "1"), RESTARTS);
	repeats = rig_events_check(&seen, r->db);
	assert_true(repeats >= 0);
	printf("faults: broker-restarts: %d restarts survived, %d cramps logged while the broker "
	       "went, 0 lost, %d repeats (same id), slowest reconnect %lld ms, at most %lld ms "
	       "past the back-off\n",
	       RESTARTS, RESTARTS, repeats, worst_reconnect, worst_margin > 0 ? worst_margin : 0);
	rig_events_clear(&seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_twenty_broker_restarts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
