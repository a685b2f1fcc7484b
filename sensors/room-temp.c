#include "sensors/room-temp.h"

#include <assert.h>
#include <errno.h>
#include <string.h>

#include "sensors/sensor-defaults.h"

uint64_t sensor_health_default_stale_usec(uint64_t interval_usec)
{
	const uint64_t n = SENSOR_HEALTH_DEFAULT_STALE_INTERVALS;

	return interval_usec > UINT64_MAX / n ? UINT64_MAX : n * interval_usec;
}

void sensor_health_init(struct sensor_health *h, uint64_t stale_after_usec, uint64_t max_age_usec,
			uint64_t now_usec)
{
	assert(h);
	memset(h, 0, sizeof(*h));
	h->stale_after_usec = stale_after_usec;
	h->max_age_usec = max_age_usec;
	h->since_usec = now_usec;
}

enum sensor_health_event sensor_health_good(struct sensor_health *h, int32_t value_mc,
					    uint64_t now_usec)
{
	bool was_stale = h->stale;

	assert(h);
	h->have_value = true;
	h->value_mc = value_mc;
	h->value_usec = now_usec;
	h->since_usec = now_usec;
	h->stale = false;
	return was_stale ? SENSOR_HEALTH_EVENT_RECOVERED : SENSOR_HEALTH_EVENT_NONE;
}

uint64_t sensor_health_next_usec(const struct sensor_health *h)
{
	assert(h);
	if (h->since_usec > UINT64_MAX - h->stale_after_usec)
		return UINT64_MAX;
	return h->since_usec + h->stale_after_usec;
}

enum sensor_health_event sensor_health_tick(struct sensor_health *h, uint64_t now_usec)
{
	assert(h);
	if (h->stale || now_usec < sensor_health_next_usec(h))
		return SENSOR_HEALTH_EVENT_NONE;
	h->stale = true;
	return SENSOR_HEALTH_EVENT_STALE;
}

bool sensor_health_usable(const struct sensor_health *h, uint64_t now_usec)
{
	if (!h->have_value || h->stale || now_usec >= sensor_health_next_usec(h))
		return false;
	if (h->max_age_usec == 0)
		return true;
	return now_usec <= h->value_usec || now_usec - h->value_usec <= h->max_age_usec;
}

int room_temp_mode_from_string(const char *s, enum room_temp_mode *ret)
{
	assert(ret);
	if (strcmp(s, "min") == 0)
		*ret = ROOM_TEMP_MODE_MIN;
	else if (strcmp(s, "mean") == 0)
		*ret = ROOM_TEMP_MODE_MEAN;
	else if (strcmp(s, "first") == 0)
		*ret = ROOM_TEMP_MODE_FIRST;
	else
		return -EINVAL;
	return 0;
}

int room_temp_aggregate(const struct sensor_health *const *hs, size_t n, enum room_temp_mode mode,
			uint64_t now_usec, int32_t *ret_mc, uint64_t *ret_taken_usec)
{
	int64_t sum = 0;
	int32_t best = 0;
	uint64_t taken = 0;
	int used = 0;

	assert(hs);
	assert(ret_mc);
	for (size_t i = 0; i < n; i++) {
		const struct sensor_health *h = hs[i];

		if (!sensor_health_usable(h, now_usec))
			continue;
		switch (mode) {
		case ROOM_TEMP_MODE_FIRST:
			*ret_mc = h->value_mc;
			if (ret_taken_usec)
				*ret_taken_usec = h->value_usec;
			return 1;
		case ROOM_TEMP_MODE_MIN:
			if (used == 0 || h->value_mc < best ||
			    (h->value_mc == best && h->value_usec > taken)) {
				best = h->value_mc;
				taken = h->value_usec;
			}
			break;
		case ROOM_TEMP_MODE_MEAN:
			sum += h->value_mc;
			if (h->value_usec > taken)
				taken = h->value_usec;
			break;
		}
		used++;
	}
	if (used == 0)
		return -ENODATA;
	switch (mode) {
	case ROOM_TEMP_MODE_FIRST:
	case ROOM_TEMP_MODE_MIN:
		break;
	case ROOM_TEMP_MODE_MEAN:
		/* Round half away from zero. */
		best = (int32_t) ((sum + (sum >= 0 ? used / 2 : -(used / 2))) / used);
		break;
	}
	*ret_mc = best;
	if (ret_taken_usec)
		*ret_taken_usec = taken;
	return used;
}
