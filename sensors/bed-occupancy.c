#include "sensors/bed-occupancy.h"

#include <assert.h>

void bed_occupancy_init(struct bed_occupancy *o)
{
	assert(o);
	*o = (struct bed_occupancy){ .state = BED_OCCUPANCY_STATE_UNKNOWN };
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static enum bed_occupancy_state target(const struct bed_occupancy *o)
{
	return o->active ? BED_OCCUPANCY_STATE_IN : BED_OCCUPANCY_STATE_OUT;
}

/* When the current level decides the state; BED_OCCUPANCY_NEVER when it already has. */
static uint64_t settle_usec(const struct bed_occupancy *o, const struct bed_occupancy_params *p)
{
	if (!o->have_level || o->state == target(o))
		return BED_OCCUPANCY_NEVER;
	return add_sat(o->level_since_usec, o->active ? p->on_delay_usec : p->off_delay_usec);
}

static void settle(struct bed_occupancy *o, const struct bed_occupancy_params *p, uint64_t now)
{
	uint64_t at = settle_usec(o, p);

	if (at != BED_OCCUPANCY_NEVER && at <= now) {
		o->state = target(o);
		o->state_since_usec = o->level_since_usec;
	}
}

static struct bed_occupancy_result result(const struct bed_occupancy *o,
					  const struct bed_occupancy_params *p,
					  enum bed_occupancy_state before)
{
	return (struct bed_occupancy_result){
		.changed = o->state != before,
		.before = before,
		.state = o->state,
		.since_usec = o->state == BED_OCCUPANCY_STATE_UNKNOWN ? 0 : o->state_since_usec,
		.wake_usec = settle_usec(o, p),
	};
}

struct bed_occupancy_result bed_occupancy_input(struct bed_occupancy *o,
						const struct bed_occupancy_params *p, bool active,
						uint64_t at_usec)
{
	enum bed_occupancy_state before = o->state;

	if (at_usec < o->last_usec)
		at_usec = o->last_usec;
	o->last_usec = at_usec;
	settle(o, p, at_usec);
	if (!o->have_level || o->active != active) {
		o->have_level = true;
		o->active = active;
		o->level_since_usec = at_usec;
	}
	settle(o, p, at_usec); /* a delay of 0 */
	return result(o, p, before);
}

struct bed_occupancy_result
bed_occupancy_tick(struct bed_occupancy *o, const struct bed_occupancy_params *p, uint64_t now_usec)
{
	enum bed_occupancy_state before = o->state;

	if (now_usec > o->last_usec)
		o->last_usec = now_usec;
	settle(o, p, o->last_usec);
	return result(o, p, before);
}

struct bed_occupancy_result bed_occupancy_lost(struct bed_occupancy *o)
{
	enum bed_occupancy_state before = o->state;
	uint64_t last = o->last_usec;

	assert(o);
	bed_occupancy_init(o);
	o->last_usec = last;
	return (struct bed_occupancy_result){ .changed = before != o->state,
					      .before = before,
					      .state = o->state,
					      .wake_usec = BED_OCCUPANCY_NEVER };
}

const char *bed_occupancy_state_to_string(enum bed_occupancy_state s)
{
	switch (s) {
	case BED_OCCUPANCY_STATE_UNKNOWN:
		return "unknown";
	case BED_OCCUPANCY_STATE_OUT:
		return "out";
	case BED_OCCUPANCY_STATE_IN:
		return "in";
	}
	return "invalid";
}

int64_t bed_occupancy_resume_since_s(enum bed_occupancy_state first, int64_t first_since_s,
				     int64_t kept_since_s, int64_t now_s, bool clock_set)
{
	if (first != BED_OCCUPANCY_STATE_IN)
		return 0;
	if (!clock_set || kept_since_s <= 0 || kept_since_s >= first_since_s ||
	    kept_since_s > now_s || now_s - kept_since_s > BED_OCCUPANCY_RESUME_MAX_S)
		return first_since_s;
	return kept_since_s;
}
