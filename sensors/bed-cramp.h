#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Cramp buttons: a press records a cramp of the button's leg; another press
 * for the same leg within repeat_window of the cramp's latest press is the
 * same cramp (a person pressing twice to be sure, a second button on the same
 * side, a contact that chatters). While presses keep coming the window runs
 * from the last of them, so a chattering or intermittent contact is one cramp
 * however long it goes on; presses more than repeat_window apart are separate
 * cramps. Presses that go on for BED_CRAMP_FAULTY_WINDOWS windows, at least
 * BED_CRAMP_FAULTY_PRESSES of them, are said once (BED_PRESS_FAULTY): more
 * like a loose or damp contact than a person. Pure: levels and times
 * (CLOCK_MONOTONIC µs) come in as arguments.
 *
 * A press is the input becoming active. Holding the button is still one
 * press, however long. Bounce is the kernel's debounce period's business (the
 * GPIO backend asks for it); a level that was already active when the input
 * was opened is not a press. Presses may arrive out of order: the window
 * applies either side of the cramp (before its first press, after its latest).
 */

/* Presses going on this many repeat windows, and this many of them: a faulty contact. */
#define BED_CRAMP_FAULTY_WINDOWS 3
#define BED_CRAMP_FAULTY_PRESSES 20

enum bed_leg {
	BED_LEG_UNKNOWN,
	BED_LEG_LEFT,
	BED_LEG_RIGHT,
	BED_LEG_COUNT,
};

enum bed_press {
	BED_PRESS_NONE,      /* not a press (a release, or still held) */
	BED_PRESS_CRAMP,     /* a new cramp */
	BED_PRESS_DUPLICATE, /* a press within the window of the last cramp of its leg */
	BED_PRESS_FAULTY,    /* a duplicate that makes the cramp's presses look like a faulty
				contact: once per cramp (see bed_cramp_presses()) */
};

struct bed_cramp_params {
	uint64_t repeat_window_usec;
};

/* What the presses of every button remember: the last cramp of each leg. */
struct bed_cramp {
	bool have[BED_LEG_COUNT];
	uint64_t last_usec[BED_LEG_COUNT];       /* the cramp's first press */
	uint64_t last_press_usec[BED_LEG_COUNT]; /* its latest press: the window runs from here */
	unsigned presses[BED_LEG_COUNT];         /* counted in it, the first one too */
	bool faulty[BED_LEG_COUNT];              /* BED_PRESS_FAULTY was returned for it */
};

/* One button's level. */
struct bed_button {
	bool have_level;
	bool pressed;
	uint64_t pressed_usec;
};

void bed_cramp_init(struct bed_cramp *c);
void bed_button_init(struct bed_button *b);

/* The level read when the input was opened: remembered, never a press. */
void bed_button_level(struct bed_button *b, bool active, uint64_t at_usec);

/*
 * The button of @leg is @active at @at_usec. Returns what that was; a new
 * cramp is remembered in @c.
 */
enum bed_press bed_button_input(struct bed_button *b, struct bed_cramp *c,
				const struct bed_cramp_params *p, enum bed_leg leg, bool active,
				uint64_t at_usec);

/*
 * How many presses the last cramp of @leg counted, and over how long (from its
 * first press to its latest) into *ret_usec. 0 when @leg had none.
 */
unsigned bed_cramp_presses(const struct bed_cramp *c, enum bed_leg leg, uint64_t *ret_usec);

/* "left", "right" or "unknown". */
const char *bed_leg_to_string(enum bed_leg leg);
