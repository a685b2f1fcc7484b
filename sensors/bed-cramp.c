#include "sensors/bed-cramp.h"

#include <assert.h>
#include <limits.h>

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

/* Whether @at_usec is within the window either side of the last cramp of @leg. */
static bool within(const struct bed_cramp *c, const struct bed_cramp_params *p, enum bed_leg leg,
		   uint64_t at_usec)
{
	if (!c->have[leg])
		return false;
	if (at_usec <= c->last_usec[leg])
		return c->last_usec[leg] - at_usec < p->repeat_window_usec;
	return at_usec < c->last_press_usec[leg] ||
	       at_usec - c->last_press_usec[leg] < p->repeat_window_usec;
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
	if (within(c, p, leg, at_usec)) {
		/* A chattering contact is one cramp: the window goes on from its latest press. */
		if (at_usec > c->last_press_usec[leg])
			c->last_press_usec[leg] = at_usec;
		if (c->presses[leg] < UINT_MAX)
			c->presses[leg]++;
		if (c->faulty[leg] || c->presses[leg] < BED_CRAMP_FAULTY_PRESSES ||
		    c->last_press_usec[leg] - c->last_usec[leg] <
			BED_CRAMP_FAULTY_WINDOWS * p->repeat_window_usec)
			return BED_PRESS_DUPLICATE;
		c->faulty[leg] = true;
		return BED_PRESS_FAULTY;
	}
	/* An older press, out of order, does not move the window back. */
	if (!c->have[leg] || at_usec > c->last_usec[leg]) {
		c->last_usec[leg] = at_usec;
		c->last_press_usec[leg] = at_usec;
		c->presses[leg] = 1;
		c->faulty[leg] = false;
	}
	c->have[leg] = true;
	return BED_PRESS_CRAMP;
}

unsigned bed_cramp_presses(const struct bed_cramp *c, enum bed_leg leg, uint64_t *ret_usec)
{
	assert(c);
	assert(ret_usec);
	if (leg >= BED_LEG_COUNT)
		leg = BED_LEG_UNKNOWN;
	if (!c->have[leg]) {
		*ret_usec = 0;
		return 0;
	}
	*ret_usec = c->last_press_usec[leg] - c->last_usec[leg];
	return c->presses[leg];
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
