#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sensors/bed-cramp.h"
#include "sensors/bed-gpio-find.h"
#include "sensors/input-gpio.h"

/*
 * The GPIO backend's errors where no chip is needed: a fake /dev. Requests,
 * events, EBUSY and debounce are tested against gpio-sim (tests/gpio-vm/daemon),
 * one bad line among good ones and a refused debounce or edge detection over a
 * fake libgpiod (test-inputs-gpio.c).
 */

static const struct input_gpio_line mat = { .input = "mat", .line = "GPIO17" };

static int setup(void **state)
{
	char *dir = strdup("/tmp/test-bed-gpio.XXXXXX");

	assert_non_null(mkdtemp(dir));
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *) *state);
	assert_int_equal(system(cmd), 0);
	free(*state);
	return 0;
}

static void test_no_chips(void **state)
{
	struct input_gpio *g = (struct input_gpio *) 0x1;
	char *error = NULL;

	assert_int_equal(input_gpio_open(*state, "gpiochip0", &mat, 1, &g, &error), -ENOENT);
	assert_ptr_equal(g, (struct input_gpio *) 0x1); /* untouched */
	assert_non_null(error);
	assert_non_null(strstr(error, "GPIO chip 'gpiochip0' not found"));
	assert_non_null(strstr(error, ": none."));
	free(error);
}

static void test_not_a_chip_is_listed_and_refused(void **state)
{
	struct input_gpio *g = NULL;
	char path[300], *error = NULL;
	int fd;

	snprintf(path, sizeof(path), "%s/gpiochip0", (char *) *state);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);

	/* By label: nothing has it; the list names the file that is not a chip. */
	assert_int_equal(input_gpio_open(*state, "pinctrl-bcm2711", &mat, 1, &g, &error), -ENOENT);
	assert_non_null(strstr(error, "gpiochip0 (cannot open"));
	free(error);
	error = NULL;

	/* By name: found, but not a GPIO character device. */
	assert_true(input_gpio_open(*state, "gpiochip0", &mat, 1, &g, &error) < 0);
	assert_null(g);
	assert_non_null(error);
	assert_non_null(strstr(error, "is not a GPIO chip"));
	free(error);
}

static void test_no_lines_is_invalid(void **state)
{
	struct input_gpio *g = NULL;
	char *error = NULL;

	assert_int_equal(input_gpio_open(*state, "gpiochip0", &mat, 0, &g, &error), -EINVAL);
	assert_null(error);
	assert_null(input_gpio_close(NULL));
}

static void test_permission_message_says_what_to_do(void **state)
{
	char *msg = bed_gpio_open_message("/nonexistent/gpiochip0", -EACCES);

	assert_non_null(msg);
	assert_non_null(strstr(msg, "permission denied opening /nonexistent/gpiochip0"));
	assert_non_null(strstr(msg, "'gpio' group"));
	assert_non_null(strstr(msg, "usermod -aG gpio"));
	assert_non_null(strstr(msg, "SUBSYSTEM==\"gpio\""));
	free(msg);

	msg = bed_gpio_open_message("/dev/gpiochip9", -ENOENT);
	assert_non_null(strstr(msg, "not found"));
	free(msg);
}

static void test_busy_message_without_chip(void **state)
{
	static const unsigned offsets[] = { 3 };
	static const char *const names[] = { "BTN" };
	static const char *const inputs[] = { "left" };
	char *msg = bed_gpio_busy_message("/nonexistent/gpiochip0", offsets, names, inputs, 1);

	assert_non_null(msg);
	assert_non_null(strstr(msg, "busy"));
	free(msg);
}

/*
 * Lost edge events (the kernel's buffer was full): a mat, a vibration sensor
 * and a cramp button on one request. The rig feeds what the tracker decides
 * to the real cramp logic, as daemon/inputs.c does.
 */

enum { MAT, VIB, BTN, N_LINES };

#define SEC 1000000ULL

struct rig {
	struct input_gpio_seq *seq;
	struct bed_button button;
	struct bed_cramp cramp;
	struct bed_cramp_params params;
	unsigned cramps, duplicates, movements;
	uint64_t cramp_usec;
	unsigned syncs[N_LINES];
	bool level[N_LINES];
};

static void rig_feed(void *userdata, const struct input_gpio_feed *f)
{
	struct rig *r = userdata;
	bool was = r->level[f->index];

	assert_true(f->index < N_LINES);
	r->level[f->index] = f->active;
	if (f->sync)
		r->syncs[f->index]++;
	switch (f->index) {
	case VIB:
		if (!f->sync && f->active && !was)
			r->movements++;
		break;
	case BTN:
		if (f->sync) {
			bed_button_level(&r->button, f->active, f->at_usec);
			break;
		}
		switch (bed_button_input(&r->button, &r->cramp, &r->params, BED_LEG_LEFT, f->active,
					 f->at_usec)) {
		case BED_PRESS_CRAMP:
			r->cramps++;
			r->cramp_usec = f->at_usec;
			break;
		case BED_PRESS_DUPLICATE:
		case BED_PRESS_FAULTY:
			r->duplicates++;
			break;
		case BED_PRESS_NONE:
			break;
		}
		break;
	}
}

static struct rig *rig_new(void)
{
	static const bool momentary[N_LINES] = { [BTN] = true };
	static const bool levels[N_LINES] = { 0 };
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	assert_int_equal(input_gpio_seq_new(N_LINES, momentary, &r->seq), 0);
	input_gpio_seq_set_levels(r->seq, levels);
	bed_button_level(&r->button, false, 0);
	bed_cramp_init(&r->cramp);
	r->params.repeat_window_usec = 60 * SEC;
	return r;
}

static void rig_free(struct rig *r)
{
	input_gpio_seq_free(r->seq);
	free(r);
}

/* Reads a batch as the daemon does: the levels after it only when it shows a gap. */
static void rig_batch(struct rig *r, const struct input_gpio_event *ev, size_t n,
		      const bool *levels_after, uint64_t now_usec)
{
	bool gap = input_gpio_seq_gap(r->seq, ev, n);

	input_gpio_seq_batch(r->seq, ev, n, gap ? levels_after : NULL, now_usec, rig_feed, r);
}

static struct input_gpio_event edge(size_t index, bool active, uint64_t at_usec,
				    unsigned long seqno, unsigned long line_seqno)
{
	return (struct input_gpio_event){ .index = index,
					  .active = active,
					  .timestamp_ns = at_usec * 1000,
					  .seqno = seqno,
					  .line_seqno = line_seqno };
}

/*
 * The review's case: the vibration sensor chatters while the loop is blocked,
 * 64 of its edges are dropped, the button's press is still in the buffer after
 * them. The sync must not come first and swallow the press.
 */
static void test_gap_then_button_edge_is_a_press(void **state)
{
	struct rig *r = rig_new();
	const struct input_gpio_event ev[] = {
		edge(VIB, true, 10 * SEC, 1, 1),
		edge(VIB, false, 20 * SEC, 66, 66), /* 64 of VIB's lost */
		edge(BTN, true, 21 * SEC, 67, 1),
	};
	const bool after[N_LINES] = { [BTN] = true };

	rig_batch(r, ev, 3, after, 22 * SEC);
	assert_int_equal(r->cramps, 1);
	assert_int_equal(r->cramp_usec, 21 * SEC);
	/* Every lost event was VIB's (line_seqno): nothing to re-read. */
	assert_int_equal(r->syncs[MAT] + r->syncs[VIB] + r->syncs[BTN], 0);
	rig_free(r);
}

/* The button's press is in the next read: a level read now must not take it. */
static void test_press_in_next_batch_is_a_press(void **state)
{
	struct rig *r = rig_new();
	const struct input_gpio_event ev1[] = {
		edge(VIB, true, 10 * SEC, 1, 1),
		edge(VIB, false, 20 * SEC, 66, 66),
	};
	const struct input_gpio_event ev2[] = { edge(BTN, true, 21 * SEC, 67, 1) };
	const bool after[N_LINES] = { [BTN] = true }; /* held, its edge still queued */

	rig_batch(r, ev1, 2, after, 21 * SEC);
	rig_batch(r, ev2, 1, after, 22 * SEC);
	assert_int_equal(r->cramps, 1);
	rig_free(r);
}

/* The overflow dropped the press itself; the levels after the batch find it held. */
static void test_dropped_press_found_held_is_a_press(void **state)
{
	struct rig *r = rig_new();
	const struct input_gpio_event ev1[] = { edge(VIB, true, 10 * SEC, 1, 1) };
	const struct input_gpio_event ev2[] = {
		edge(VIB, false, 20 * SEC, 67, 66), /* 65 lost: 64 of VIB's, one elsewhere */
		edge(VIB, true, 21 * SEC, 68, 67),
	};
	const bool after[N_LINES] = { [BTN] = true };

	rig_batch(r, ev1, 1, after, 11 * SEC);
	rig_batch(r, ev2, 2, after, 22 * SEC);
	assert_int_equal(r->cramps, 1);
	assert_true(r->cramp_usec <= 20 * SEC); /* before the first event after the gap */
	assert_true(r->level[BTN]);
	/* Held: its release will come as an edge, and the next press counts. */
	input_gpio_seq_batch(r->seq,
			     (const struct input_gpio_event[]){ edge(BTN, false, 30 * SEC, 69, 2),
								edge(BTN, true, 200 * SEC, 70, 3) },
			     2, NULL, 200 * SEC, rig_feed, r);
	assert_int_equal(r->cramps, 2);
	rig_free(r);
}

/* Right after the request: losses before the first read count too. */
static void test_dropped_press_before_first_read(void **state)
{
	struct rig *r = rig_new();
	const struct input_gpio_event ev[] = { edge(VIB, true, 20 * SEC, 66, 65) };
	const bool after[N_LINES] = { [BTN] = true };

	rig_batch(r, ev, 1, after, 21 * SEC);
	assert_int_equal(r->cramps, 1);
	rig_free(r);
}

/* A short press whose rising edge was dropped: its release (line_seqno 2) tells. */
static void test_dropped_rising_edge_before_release_is_a_press(void **state)
{
	struct rig *r = rig_new();
	const struct input_gpio_event ev1[] = { edge(VIB, true, 10 * SEC, 1, 1) };
	const struct input_gpio_event ev2[] = {
		edge(VIB, false, 20 * SEC, 67, 66),
		edge(BTN, false, 21 * SEC, 68, 2),
	};
	const bool after[N_LINES] = { 0 }; /* released again: a level read sees nothing */

	rig_batch(r, ev1, 1, after, 11 * SEC);
	rig_batch(r, ev2, 2, after, 22 * SEC);
	assert_int_equal(r->cramps, 1);
	assert_true(r->cramp_usec <= 20 * SEC);
	assert_false(r->button.pressed);
	rig_free(r);
}

/* Held; a release and a new press dropped: the surviving release says so. */
static void test_dropped_release_and_press_while_held(void **state)
{
	struct rig *r = rig_new();
	const struct input_gpio_event ev1[] = { edge(BTN, true, 10 * SEC, 1, 1) };
	const struct input_gpio_event ev2[] = {
		edge(VIB, true, 300 * SEC, 68, 65),
		edge(BTN, false, 301 * SEC, 69, 4),
	};
	const bool after[N_LINES] = { [VIB] = true };

	rig_batch(r, ev1, 1, after, 11 * SEC);
	assert_int_equal(r->cramps, 1);
	rig_batch(r, ev2, 2, after, 302 * SEC);
	assert_int_equal(r->cramps, 2);
	rig_free(r);
}

/* Held, only its release dropped: the next press counts. */
static void test_dropped_release_then_press(void **state)
{
	struct rig *r = rig_new();
	const struct input_gpio_event ev1[] = { edge(BTN, true, 10 * SEC, 1, 1) };
	const struct input_gpio_event ev2[] = {
		edge(VIB, true, 300 * SEC, 67, 64),
		edge(BTN, true, 301 * SEC, 68, 3),
	};
	const bool after[N_LINES] = { [VIB] = true, [BTN] = true };

	rig_batch(r, ev1, 1, after, 11 * SEC);
	rig_batch(r, ev2, 2, after, 302 * SEC);
	assert_int_equal(r->cramps, 2);
	rig_free(r);
}

/* The button the only line that may have lost events: a whole press dropped. */
static void test_dropped_whole_press_only_candidate(void **state)
{
	struct rig *r = rig_new();
	const struct input_gpio_event ev1[] = { edge(VIB, true, 10 * SEC, 1, 1) };
	const struct input_gpio_event ev2[] = {
		edge(VIB, false, 20 * SEC, 68, 66), /* 66 lost: 64 of VIB's, 2 elsewhere */
		edge(MAT, true, 21 * SEC, 69, 1),   /* MAT lost none */
	};
	const bool after[N_LINES] = { [MAT] = true };

	rig_batch(r, ev1, 1, after, 11 * SEC);
	rig_batch(r, ev2, 2, after, 22 * SEC);
	assert_int_equal(r->cramps, 1);
	assert_false(r->button.pressed);
	rig_free(r);
}

/*
 * Occupancy and movement: lost movements are not made up; a line that may
 * have lost events gets its level as a level; one whose line_seqno says it
 * lost nothing keeps what its edges said.
 */
static void test_movement_not_invented_mat_synced(void **state)
{
	struct rig *r = rig_new();
	const struct input_gpio_event ev1[] = { edge(VIB, true, 10 * SEC, 1, 1) };
	const struct input_gpio_event ev2[] = {
		edge(VIB, false, 20 * SEC, 67, 66), /* 65 lost: 64 of VIB's, one elsewhere */
		edge(VIB, true, 21 * SEC, 68, 67),
		edge(VIB, false, 22 * SEC, 69, 68),
	};
	const bool after[N_LINES] = { [MAT] = true, [VIB] = true };

	rig_batch(r, ev1, 1, after, 11 * SEC);
	rig_batch(r, ev2, 3, after, 23 * SEC);
	assert_int_equal(r->movements, 2);
	assert_int_equal(r->syncs[VIB], 0);
	assert_false(r->level[VIB]); /* its last edge, not a level read later */
	assert_int_equal(r->syncs[MAT], 1);
	assert_true(r->level[MAT]);
	assert_int_equal(r->cramps, 0); /* the button was not found held */
	rig_free(r);
}

/* Events of two lines can reach the buffer out of seqno order: none is lost. */
static void test_reordered_events_are_not_lost(void **state)
{
	struct rig *r = rig_new();
	const struct input_gpio_event ev[] = {
		edge(VIB, true, 10 * SEC, 1, 1),
		edge(MAT, true, 11 * SEC, 3, 1),
		edge(VIB, false, 11 * SEC, 2, 2),
		edge(BTN, true, 12 * SEC, 4, 1),
	};
	const bool after[N_LINES] = { [MAT] = true, [BTN] = true };

	rig_batch(r, ev, 4, after, 13 * SEC);
	assert_int_equal(r->syncs[MAT] + r->syncs[VIB] + r->syncs[BTN], 0);
	assert_int_equal(r->cramps, 1);
	assert_int_equal(r->movements, 1);
	rig_free(r);
}

static void test_no_gap_needs_no_levels(void **state)
{
	struct rig *r = rig_new();
	const struct input_gpio_event ev[] = {
		edge(BTN, true, 10 * SEC, 1, 1),
		edge(BTN, false, 11 * SEC, 2, 2),
	};

	assert_false(input_gpio_seq_gap(r->seq, ev, 2));
	input_gpio_seq_batch(r->seq, ev, 2, NULL, 12 * SEC, rig_feed, r);
	assert_int_equal(r->cramps, 1);
	assert_true(input_gpio_seq_gap(
	    r->seq, (const struct input_gpio_event[]){ edge(BTN, true, 13 * SEC, 5, 3) }, 1));
	rig_free(r);
}

/*
 * The level read just after the request came after a press already queued:
 * the button reads held, then its rising edge comes. The press is one.
 */
static void test_press_before_level_read_is_a_press(void **state)
{
	static const bool held[N_LINES] = { [BTN] = true };
	struct rig *r = rig_new();

	input_gpio_seq_set_levels(r->seq, held);
	bed_button_level(&r->button, true, 1 * SEC);
	r->level[BTN] = true;
	rig_batch(r, (const struct input_gpio_event[]){ edge(BTN, true, 1 * SEC, 1, 1) }, 1, NULL,
		  2 * SEC);
	assert_int_equal(r->cramps, 1);
	rig_free(r);
}

/*
 * The kernel refused the debounce: a button's bounce (edges within 20 ms of
 * the last one fed) is ignored, its first edge counts at once; a tap shorter
 * than the debounce leaves the button held as fed, and the next press is one
 * all the same. A line that is not momentary is not filtered.
 */
static void test_user_space_debounce(void **state)
{
	struct rig *r = rig_new();
	const uint64_t ms = 1000;
	const struct input_gpio_event bouncy[] = {
		edge(BTN, true, 10 * SEC, 1, 1),
		edge(BTN, false, 10 * SEC + 1 * ms, 2, 2),
		edge(BTN, true, 10 * SEC + 2 * ms, 3, 3),
		edge(BTN, false, 10 * SEC + 300 * ms, 4, 4),
		edge(BTN, true, 10 * SEC + 301 * ms, 5, 5),
		edge(BTN, false, 10 * SEC + 302 * ms, 6, 6),
	};
	const struct input_gpio_event tap[] = {
		edge(BTN, true, 100 * SEC, 7, 7),
		edge(BTN, false, 100 * SEC + 5 * ms, 8, 8),
	};
	const struct input_gpio_event vib[] = {
		edge(VIB, true, 300 * SEC, 10, 1),
		edge(VIB, false, 300 * SEC + 1 * ms, 11, 2),
		edge(VIB, true, 300 * SEC + 2 * ms, 12, 3),
	};

	input_gpio_seq_set_debounce(r->seq, BTN, 20 * ms);
	input_gpio_seq_set_debounce(r->seq, VIB, 20 * ms);
	rig_batch(r, bouncy, 6, NULL, 11 * SEC);
	assert_int_equal(r->cramps, 1);
	assert_int_equal(r->duplicates, 0);
	assert_false(r->level[BTN]);

	rig_batch(r, tap, 2, NULL, 101 * SEC);
	assert_int_equal(r->cramps, 2);
	assert_true(r->level[BTN]); /* its release was taken for bounce */
	rig_batch(r, (const struct input_gpio_event[]){ edge(BTN, true, 200 * SEC, 9, 9) }, 1, NULL,
		  201 * SEC);
	assert_int_equal(r->cramps, 3);
	assert_int_equal(r->cramp_usec, 200 * SEC);

	rig_batch(r, vib, 3, NULL, 301 * SEC);
	assert_int_equal(r->movements, 2);
	rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_chips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_chip_is_listed_and_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_lines_is_invalid, setup, teardown),
		cmocka_unit_test(test_permission_message_says_what_to_do),
		cmocka_unit_test(test_busy_message_without_chip),
		cmocka_unit_test(test_gap_then_button_edge_is_a_press),
		cmocka_unit_test(test_press_in_next_batch_is_a_press),
		cmocka_unit_test(test_dropped_press_found_held_is_a_press),
		cmocka_unit_test(test_dropped_press_before_first_read),
		cmocka_unit_test(test_dropped_rising_edge_before_release_is_a_press),
		cmocka_unit_test(test_dropped_release_and_press_while_held),
		cmocka_unit_test(test_dropped_release_then_press),
		cmocka_unit_test(test_dropped_whole_press_only_candidate),
		cmocka_unit_test(test_movement_not_invented_mat_synced),
		cmocka_unit_test(test_reordered_events_are_not_lost),
		cmocka_unit_test(test_no_gap_needs_no_levels),
		cmocka_unit_test(test_press_before_level_read_is_a_press),
		cmocka_unit_test(test_user_space_debounce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
