/*
 * A reload and the bed inputs: what an unchanged input knew goes on (the
 * person in bed and since when, the movement watched, a button's repeat
 * window); an input that changed starts afresh. The inputs are MQTT devices
 * the test plays: a pressure mat that retains its level (as zigbee2mqtt
 * does), a vibration sensor and a cramp button.
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
#include <unistd.h>

#include "tests/integration/reload-fixture.h"

struct topics {
	char mat[96], shake[96], button[96], cramp_event[128];
};

static void topics_of(const struct fixture *f, struct topics *t)
{
	snprintf(t->mat, sizeof(t->mat), "test%d/mat", (int) getpid());
	snprintf(t->shake, sizeof(t->shake), "test%d/shake", (int) getpid());
	snprintf(t->button, sizeof(t->button), "test%d/button", (int) getpid());
	snprintf(t->cramp_event, sizeof(t->cramp_event), "%s/event/cramp", f->base);
}

/* The usual configuration with the bed's inputs; @min_on is the unrelated change. */
static void write_bed_config(struct fixture *f, const char *min_on, const char *mat_topic)
{
	struct topics t;
	char extra[1500];

	topics_of(f, &t);
	snprintf(extra, sizeof(extra),
		 "[cramps]\nsuspect_from_movement = yes\nsuspect_movements = 6\n"
		 "suspect_within = 10s\nsuspect_after_quiet = 10s\nsuspect_min_in_bed = 15s\n"
		 "[input.mat]\ntype = mqtt\nrole = occupancy\ntopic = %s\n"
		 "payload_on = ON\npayload_off = OFF\non_delay = 3s\n"
		 "[input.shake]\ntype = mqtt\nrole = movement\ntopic = %s\n"
		 "payload_on = 1\npayload_off = 0\n"
		 "[input.left]\ntype = mqtt\nrole = cramp_button\ntopic = %s\n"
		 "payload_on = ON\npayload_off = OFF\nleg = left\nrepeat_window = 30s\n",
		 mat_topic ? mat_topic : t.mat, t.shake, t.button);
	write_conf(f, &(struct conf){ .min_on = min_on, .extra = extra });
}

/*
 * @n movements from the bed's vibration sensor, 1.25 s apart: edges within a
 * second of a movement's first are that movement (CRAMP_DEFAULT_MOVEMENT_GAP_USEC).
 */
static void shake(struct fixture *f, int n)
{
	struct topics t;

	topics_of(f, &t);
	for (int i = 0; i < n; i++) {
		assert_int_equal(client_publish(f->client, t.shake, "1", false), 0);
		assert_int_equal(client_publish(f->client, t.shake, "0", false), 0);
		if (i + 1 < n)
			usleep(1250000);
	}
}

/* Copies the state @payload's "in_bed_since" (with its quotes, or null) into @buf. */
static void since_of(const char *payload, char *buf, size_t size)
{
	const char *p = strstr(payload, "\"in_bed_since\":");
	size_t n;

	assert_non_null(p);
	p += strlen("\"in_bed_since\":");
	n = strcspn(p, ",}");
	assert_true(n < size);
	memcpy(buf, p, n);
	buf[n] = '\0';
}

static void dump(struct fixture *f)
{
	const struct message *m;
	size_t n = client_messages(f->client, &m);

	for (size_t i = 0; i < n; i++)
		if (strcmp(m[i].topic, f->state_topic) == 0)
			fprintf(stderr, "# %s %s\n", m[i].topic, m[i].payload);
}

/*
 * In bed at "02:00"; an unrelated setting is changed and the file reloaded.
 * Nothing a person would notice changes: every state says in bed since the
 * same time (never null, as while the mat's on_delay ran again), and a cramp's
 * burst of movement right after the reload is suspected (the calm and the
 * time in bed were watched before it).
 */
static void test_reload_keeps_the_person_in_bed(void **state)
{
	struct fixture *f = *state;
	const struct message *m, *msgs;
	char since[64], want[96], other[64];
	struct topics t;
	size_t n, after = 0;

	topics_of(f, &t);
	write_bed_config(f, "0", NULL);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(client_publish(f->client, t.mat, "ON", true), 0);
	m = client_wait(f->client, f->state_topic, "~\"in_bed\":true", 10000);
	assert_non_null(m);
	since_of(m->payload, since, sizeof(since));
	assert_string_not_equal(since, "null");
	/* In bed for longer than suspect_min_in_bed, calm for longer than suspect_after_quiet. */
	sleep(17);

	client_clear(f->client);
	write_bed_config(f, "1min", NULL);
	reload(f);
	shake(f, 6);
	m = client_wait(f->client, t.cramp_event, "~\"suspected\":true", 10000);
	/* Past the mat's on_delay: what a fresh start of it would have said by now. */
	sleep(4);
	shake(f, 1); /* the movement level changes: another state */
	snprintf(want, sizeof(want), "~\"in_bed_since\":%s", since);
	if (!client_wait(f->client, f->state_topic, want, 20000)) {
		dump(f);
		fail_msg("no state in bed since %s after the reload", since);
	}
	n = client_messages(f->client, &msgs);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(msgs[i].topic, f->state_topic) != 0)
			continue;
		since_of(msgs[i].payload, other, sizeof(other));
		if (!strstr(msgs[i].payload, "\"in_bed\":true") || strcmp(other, since) != 0) {
			dump(f);
			fail_msg("a state across the reload: %s", msgs[i].payload);
		}
		after++;
	}
	assert_true(after > 0);
	if (!m) {
		dump(f);
		fail_msg("the burst of movement right after the reload was not suspected");
	}
}

/*
 * A press, a reload, the same button again within its repeat window: the same
 * cramp, as without the reload.
 */
static void test_reload_keeps_the_repeat_window(void **state)
{
	struct fixture *f = *state;
	struct topics t;

	topics_of(f, &t);
	write_bed_config(f, "0", NULL);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(client_publish(f->client, t.button, "ON", false), 0);
	assert_non_null(client_wait(f->client, t.cramp_event, "~\"leg\":\"left\"", 10000));
	write_bed_config(f, "1min", NULL);
	reload(f);
	assert_int_equal(client_publish(f->client, t.button, "ON", false), 0);
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "input.left: pressed again within 30 s: the same cramp",
					 10000),
			 0);
	assert_int_equal(daemon_log_count(&f->daemon, "input.left: cramp ("), 1);
}

/* A mat on another topic is another mat: it knows nothing until it says. */
static void test_reload_changing_the_mat_starts_afresh(void **state)
{
	struct fixture *f = *state;
	char other[96];
	struct topics t;

	topics_of(f, &t);
	snprintf(other, sizeof(other), "test%d/other-mat", (int) getpid());
	write_bed_config(f, "0", NULL);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(client_publish(f->client, t.mat, "ON", true), 0);
	state_says(f, "\"in_bed\":true");
	client_clear(f->client);
	write_bed_config(f, "0", other);
	reload(f);
	state_says(f, "\"in_bed\":null");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reload_keeps_the_person_in_bed, reload_setup,
						reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_keeps_the_repeat_window, reload_setup,
						reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_changing_the_mat_starts_afresh,
						reload_setup, reload_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
