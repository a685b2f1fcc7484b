#include "sensors/bed-cramp.h"

#include <assert.h>

void bed_cramp_init(struct bed_cramp *c)
{
	assert(c);
	*c = (struct bed_cramp){ 0 };
}

void bed_button_init(struct bed_button *b)
{
	assert(b);
	*b = (struct bed_button){ 0 };
}

void bed_button_level(struct bed_button *b, bool active, uint64_t at_usec)
{
	assert(b);
	b->have_level = true;
	b->pressed = active;
	if (active)
		b->pressed_usec = at_usec;
}

static uint64_t distance(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

enum bed_press bed_button_input(struct bed_button *b, struct bed_cramp *c,
				const struct bed_cramp_params *p, enum bed_leg leg, bool active,
				uint64_t at_usec)
{
	bool was = b->have_level && b->pressed;

	assert(b);
	b->have_level = true;
	b->pressed = active;
	if (!active || was)
		return BED_PRESS_NONE;
	b->pressed_usec = at_usec;
	if (leg >= BED_LEG_COUNT)
		leg = BED_LEG_UNKNOWN;
	if (c->have[leg] && distance(at_usec, c->last_usec[leg]) < p->repeat_window_usec)
		return BED_PRESS_DUPLICATE;
	/* An older press, out of order, does not move the window back. */
	if (!c->have[leg] || at_usec > c->last_usec[leg])
		c->last_usec[leg] = at_usec;
	c->have[leg] = true;
	return BED_PRESS_CRAMP;
}

const char *bed_leg_to_string(enum bed_leg leg)
{
	switch (leg) {
	case BED_LEG_LEFT:
		return "left";
	case BED_LEG_RIGHT:
		return "right";
	case BED_LEG_UNKNOWN:
	case BED_LEG_COUNT:
		break;
	}
	return "unknown";
}
