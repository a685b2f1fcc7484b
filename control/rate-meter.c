#include "control/rate-meter.h"

#include <assert.h>

/* Moves the windows on to the one holding @now_usec. */
static void roll(struct rate_meter *r, uint64_t now_usec)
{
	uint64_t elapsed;

	/* A clock that went backwards (it is monotonic, but a test may) starts afresh. */
	if (!r->open || now_usec < r->start_usec) {
		r->open = true;
		r->start_usec = now_usec;
		r->count = r->previous = 0;
		return;
	}
	elapsed = now_usec - r->start_usec;
	if (elapsed < r->window_usec)
		return;
	if (elapsed < 2 * r->window_usec) {
		r->previous = r->count;
		r->start_usec += r->window_usec;
	} else {
		r->previous = 0;
		r->start_usec = now_usec;
	}
	r->count = 0;
}

bool rate_meter_add(struct rate_meter *r, uint64_t now_usec, unsigned n)
{
	assert(r && r->window_usec > 0);
	roll(r, now_usec);
	r->count = n > UINT32_MAX - r->count ? UINT32_MAX : r->count + n;
	return r->count > r->limit || r->previous > r->limit;
}
