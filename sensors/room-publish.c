#include "sensors/room-publish.h"

#include <assert.h>
#include <stdlib.h>

#include "sensors/sensor-defaults.h"

#define USEC_PER_SEC (1000ULL * 1000)

void room_publish_params_default(struct room_publish_params *ret)
{
	assert(ret);
	*ret = (struct room_publish_params){
		.step_mc = ROOM_PUBLISH_DEFAULT_STEP_MC,
		.max_interval_usec = ROOM_PUBLISH_DEFAULT_MAX_INTERVAL_USEC,
		.min_interval_usec = 10 * USEC_PER_SEC,
	};
}

bool room_publish_due(const struct room_publish *last, const struct room_publish_params *p,
		      bool known, int32_t value_mc, bool force, uint64_t now_usec)
{
	uint64_t since;

	if (!last->published)
		return true;
	since = now_usec > last->time_usec ? now_usec - last->time_usec : 0;
	if (since < p->min_interval_usec)
		return false;
	if (force || known != last->known || since >= p->max_interval_usec)
		return true;
	return known && llabs((long long) value_mc - last->value_mc) > p->step_mc;
}

void room_publish_mark(struct room_publish *last, bool known, int32_t value_mc, uint64_t now_usec)
{
	assert(last);
	last->published = true;
	last->known = known;
	last->value_mc = known ? value_mc : 0;
	last->time_usec = now_usec;
}

uint64_t room_publish_next_usec(const struct room_publish *last,
				const struct room_publish_params *p)
{
	if (!last->published)
		return 0;
	if (last->time_usec > UINT64_MAX - p->max_interval_usec)
		return UINT64_MAX;
	return last->time_usec + p->max_interval_usec;
}
