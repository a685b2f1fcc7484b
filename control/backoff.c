#include "control/backoff.h"

uint64_t backoff_delay_usec(unsigned attempt, uint32_t random, uint64_t min_usec, uint64_t max_usec)
{
	uint64_t step = min_usec;
	uint64_t half;

	for (unsigned i = 0; i < attempt && step < max_usec; i++)
		step *= 2;
	if (step > max_usec)
		step = max_usec;
	half = step / 2;
	/* random / 2^32 is in [0, 1): scale it onto [0, step - half]. */
	return half + (uint64_t) ((double) random / 4294967296.0 * (double) (step - half + 1));
}
