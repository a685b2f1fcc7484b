#include "control/cramp-suspect.h"

#include <assert.h>

#include "control/cramp-defaults.h"

#define SEC    1000000ULL
#define MINUTE (60 * SEC)

void cramp_suspect_params_default(struct cramp_suspect_params *ret)
{
	assert(ret);
	*ret = (struct cramp_suspect_params){
		.burst_movements = CRAMP_DEFAULT_SUSPECT_MOVEMENTS,
		.burst_window_usec = CRAMP_DEFAULT_SUSPECT_WITHIN_USEC,
		.quiet_usec = CRAMP_DEFAULT_SUSPECT_AFTER_QUIET_USEC,
		.min_in_bed_usec = CRAMP_DEFAULT_SUSPECT_MIN_IN_BED_USEC,
		.movement_gap_usec = CRAMP_DEFAULT_MOVEMENT_GAP_USEC,
	};
}

bool cramp_suspect_params_valid(const struct cramp_suspect_params *p)
{
	assert(p);
	return p->burst_movements >= 2 && p->burst_movements <= CRAMP_SUSPECT_KEEP / 2 &&
	       p->burst_window_usec > 0 && p->quiet_usec > 0 &&
	       p->quiet_usec / MINUTE + p->burst_movements <= CRAMP_SUSPECT_KEEP &&
	       cramp_suspect_burst_possible(p->burst_movements, p->burst_window_usec,
					    p->movement_gap_usec);
}

bool cramp_suspect_burst_possible(unsigned movements, uint64_t window_usec, uint64_t gap_usec)
{
	return gap_usec == 0 || movements <= window_usec / gap_usec;
}

void cramp_suspect_init(struct cramp_suspect *s, uint64_t now_usec)
{
	assert(s);
	*s = (struct cramp_suspect){ .watching_since_usec = now_usec };
}

/* The @age-th newest movement (0: the newest); @age < s->n. */
static uint64_t nth_newest(const struct cramp_suspect *s, size_t age)
{
	return s->times[(s->newest + CRAMP_SUSPECT_KEEP - age) % CRAMP_SUSPECT_KEEP];
}

/* Movements from the @from_age-th newest on (older ones) with a time at or after @since. */
static size_t count_since(const struct cramp_suspect *s, size_t from_age, uint64_t since,
			  bool *ret_complete)
{
	size_t k = 0;

	for (size_t age = from_age; age < s->n; age++) {
		if (nth_newest(s, age) < since) {
			*ret_complete = true;
			return k;
		}
		k++;
	}
	/* Ran out of memory (or of movements): complete only if nothing was forgotten. */
	*ret_complete = s->n < CRAMP_SUSPECT_KEEP;
	return k;
}

bool cramp_suspect_movement(struct cramp_suspect *s, const struct cramp_suspect_params *p,
			    uint64_t at_usec, int in_bed, uint64_t in_bed_for_usec)
{
	uint64_t burst_start, quiet_start;
	size_t in_burst, in_quiet;
	bool complete;

	assert(s);
	/* Out of order, or the chatter of the movement that began at the newest: nothing new. */
	if (s->n > 0 &&
	    (at_usec < nth_newest(s, 0) || at_usec - nth_newest(s, 0) < p->movement_gap_usec))
		return false;
	s->newest = s->n == 0 ? 0 : (s->newest + 1) % CRAMP_SUSPECT_KEEP;
	s->times[s->newest] = at_usec;
	if (s->n < CRAMP_SUSPECT_KEEP)
		s->n++;

	if (in_bed == 0 || (in_bed > 0 && in_bed_for_usec < p->min_in_bed_usec))
		return false;
	/* The burst: the movements within burst_window up to this one. */
	in_burst = count_since(
	    s, 0, at_usec >= p->burst_window_usec ? at_usec - p->burst_window_usec + 1 : 0,
	    &complete);
	if (in_burst < p->burst_movements)
		return false;
	burst_start = nth_newest(s, in_burst - 1);
	/* Calm before it: known (watched, remembered) and no busier than one a minute. */
	if (burst_start < s->watching_since_usec + p->quiet_usec)
		return false;
	quiet_start = burst_start - p->quiet_usec;
	if (s->suspected && s->last_suspect_usec >= quiet_start)
		return false;
	in_quiet = count_since(s, in_burst, quiet_start, &complete);
	if (!complete || in_quiet > p->quiet_usec / MINUTE)
		return false;
	s->suspected = true;
	s->last_suspect_usec = at_usec;
	return true;
}
