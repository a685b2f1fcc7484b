#include "sensors/bed-movement.h"

#include <assert.h>
#include <errno.h>
#include <string.h>

#include "control/cramp-defaults.h"

void bed_movement_init(struct bed_movement *m)
{
	assert(m);
	*m = (struct bed_movement){ .gap_usec = CRAMP_DEFAULT_MOVEMENT_GAP_USEC };
}

/* Whether the edge at @at_usec is part of the newest movement (either side of its first edge). */
static bool same_movement(const struct bed_movement *m, uint64_t at_usec)
{
	if (!m->have_start)
		return false;
	if (at_usec >= m->start_usec)
		return at_usec - m->start_usec < m->gap_usec;
	return m->start_usec - at_usec < m->gap_usec;
}

/* The count of minute @k, 0 when it is not kept (too old or not reached yet). */
static uint32_t count_of(const struct bed_movement *m, uint64_t k)
{
	if (k > m->newest_minute || m->newest_minute - k >= BED_MOVEMENT_MINUTES)
		return 0;
	return m->counts[k % BED_MOVEMENT_MINUTES];
}

int bed_movement_add(struct bed_movement *m, uint64_t at_usec)
{
	uint64_t k = at_usec / BED_MOVEMENT_MINUTE_US;

	assert(m);
	if (same_movement(m, at_usec))
		return 0;
	if (k > m->newest_minute) {
		if (k - m->newest_minute >= BED_MOVEMENT_MINUTES)
			memset(m->counts, 0, sizeof(m->counts));
		else
			for (uint64_t i = m->newest_minute + 1; i <= k; i++)
				m->counts[i % BED_MOVEMENT_MINUTES] = 0;
		m->newest_minute = k;
	} else if (m->newest_minute - k >= BED_MOVEMENT_MINUTES) {
		m->dropped++;
		return -ERANGE;
	}
	if (!m->have_start || at_usec > m->start_usec) {
		m->have_start = true;
		m->start_usec = at_usec;
	}
	if (m->counts[k % BED_MOVEMENT_MINUTES] < UINT32_MAX)
		m->counts[k % BED_MOVEMENT_MINUTES]++;
	m->total++;
	return 0;
}

unsigned bed_movement_per_min(const struct bed_movement *m, uint64_t now_usec)
{
	uint64_t k = now_usec / BED_MOVEMENT_MINUTE_US;
	uint64_t into = now_usec % BED_MOVEMENT_MINUTE_US;
	uint64_t prev = k > 0 ? count_of(m, k - 1) : 0;
	uint64_t scaled;

	assert(m);
	/* The previous minute's share still inside the sliding minute, rounded. */
	scaled = (prev * (BED_MOVEMENT_MINUTE_US - into) + BED_MOVEMENT_MINUTE_US / 2) /
		 BED_MOVEMENT_MINUTE_US;
	return (unsigned) (count_of(m, k) + scaled);
}

size_t bed_movement_history(const struct bed_movement *m, uint64_t now_usec, uint32_t *ret,
			    size_t n)
{
	uint64_t k = now_usec / BED_MOVEMENT_MINUTE_US;

	assert(m);
	assert(ret);
	if (n > BED_MOVEMENT_MINUTES)
		n = BED_MOVEMENT_MINUTES;
	if (n > k)
		n = (size_t) k;
	for (size_t i = 0; i < n; i++)
		ret[i] = count_of(m, k - n + i);
	return n;
}
