#include "sensors/room-sensors.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct room_sensor_track {
	struct room_sensor_params p;
	struct reading_check_state check;
	struct sensor_health health;
};

struct room_sensors {
	enum room_temp_mode mode;
	size_t n;
	struct room_sensor_track *sensors;
	const struct sensor_health **healths; /* of each sensor, for the aggregate */
	struct room_reading last;             /* the room reading last looked at */
	struct room_reading handed;           /* the room reading last handed on */
};

int room_sensors_new(const struct room_sensor_params *params, size_t n, enum room_temp_mode mode,
		     uint64_t now_usec, struct room_sensors **ret)
{
	struct room_sensors *rs;

	assert(params || n == 0);
	assert(ret);
	if (n == 0)
		return -EINVAL;
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	rs->sensors = calloc(n, sizeof(*rs->sensors));
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, one pointer each. */
	rs->healths = calloc(n, sizeof(*rs->healths));
	if (!rs->sensors || !rs->healths) {
		room_sensors_free(rs);
		return -ENOMEM;
	}
	rs->mode = mode;
	rs->n = n;
	for (size_t i = 0; i < n; i++) {
		struct room_sensor_track *s = &rs->sensors[i];

		s->p = params[i];
		reading_check_state_init(&s->check);
		sensor_health_init(&s->health, s->p.stale_after_usec, s->p.max_age_usec, now_usec);
		rs->healths[i] = &s->health;
	}
	*ret = rs;
	return 0;
}

struct room_sensors *room_sensors_free(struct room_sensors *rs)
{
	if (!rs)
		return NULL;
	free(rs->sensors);
	free(rs->healths);
	free(rs);
	return NULL;
}

struct room_reading room_sensors_reading(const struct room_sensors *rs, uint64_t now_usec)
{
	struct room_reading r = { 0 };

	assert(rs);
	r.known = room_temp_aggregate(rs->healths, rs->n, rs->mode, now_usec, &r.value_mc,
				      &r.taken_usec) > 0;
	return r;
}

static bool readings_differ(const struct room_reading *a, const struct room_reading *b)
{
	return a->known != b->known ||
	       (a->known && (a->value_mc != b->value_mc || a->taken_usec != b->taken_usec));
}

/*
 * Compares the room reading now with the last one handed on. News is a value
 * taken later than that one, or the room temperature going unknown (once).
 * When a sensor has just dropped out (@dropped), the value the room falls back
 * to is news too, with the time it was taken, older perhaps than the last one
 * handed on (a value keeps its time): heating must not go on with the dead
 * sensor's value for as long as the longest stale_after allows. Otherwise an
 * older value is not handed on (two live sensors under min taking turns):
 * heating keeps what it has until that sensor reads again. The same reading is
 * never handed on twice.
 */
static void look(struct room_sensors *rs, uint64_t now_usec, bool dropped,
		 struct room_sensors_result *ret)
{
	struct room_reading now = room_sensors_reading(rs, now_usec);

	ret->reading = now;
	ret->changed = readings_differ(&now, &rs->last);
	if (!readings_differ(&now, &rs->handed))
		ret->news = false;
	else if (now.known)
		ret->news = !rs->handed.known || now.taken_usec > rs->handed.taken_usec ||
			    (dropped && ret->changed);
	else
		ret->news = true;
	if (ret->news)
		rs->handed = now;
	rs->last = now;
}

void room_sensors_offer(struct room_sensors *rs, size_t i, const struct temp_reading *reading,
			uint64_t now_usec, struct room_sensors_result *ret)
{
	struct room_sensor_track *s;

	assert(rs);
	assert(i < rs->n);
	assert(reading);
	assert(ret);
	s = &rs->sensors[i];
	memset(ret, 0, sizeof(*ret));
	ret->check = reading_check_evaluate(&s->check, &s->p.check, s->p.kind, reading, now_usec);
	if (ret->check.verdict != READING_CHECK_VERDICT_OK) {
		ret->reading = rs->last;
		return;
	}
	if (s->health.have_value && !s->health.stale && now_usec > s->health.value_usec)
		ret->interval_usec = now_usec - s->health.value_usec;
	ret->recovered = sensor_health_good(&s->health, reading->value_mc + s->p.offset_mc,
					    now_usec) == SENSOR_HEALTH_EVENT_RECOVERED;
	look(rs, now_usec, false, ret);
}

void room_sensors_tick(struct room_sensors *rs, uint64_t now_usec, struct room_sensors_result *ret,
		       bool *ret_went_stale)
{
	bool dropped = false;

	assert(rs);
	assert(ret);
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < rs->n; i++) {
		bool stale = sensor_health_tick(&rs->sensors[i].health, now_usec) ==
			     SENSOR_HEALTH_EVENT_STALE;

		dropped |= stale;
		if (ret_went_stale)
			ret_went_stale[i] = stale;
	}
	look(rs, now_usec, dropped, ret);
}

uint64_t room_sensors_next_usec(const struct room_sensors *rs)
{
	uint64_t next = UINT64_MAX;

	assert(rs);
	for (size_t i = 0; i < rs->n; i++) {
		uint64_t t = sensor_health_next_usec(&rs->sensors[i].health);

		if (t < next)
			next = t;
	}
	return next;
}

void room_sensors_adopt(struct room_sensors *to, size_t i, const struct room_sensors *from,
			size_t j)
{
	assert(to);
	assert(from);
	assert(i < to->n);
	assert(j < from->n);
	to->sensors[i].check = from->sensors[j].check;
	to->sensors[i].health = from->sensors[j].health;
	/* A new calibration offset: the last value as the new one would have made it. */
	if (to->sensors[i].health.have_value)
		to->sensors[i].health.value_mc +=
		    to->sensors[i].p.offset_mc - from->sensors[j].p.offset_mc;
}

void room_sensors_adopt_news(struct room_sensors *to, const struct room_sensors *from)
{
	assert(to);
	assert(from);
	to->last = from->last;
	to->handed = from->handed;
}

const struct sensor_health *room_sensors_health(const struct room_sensors *rs, size_t i)
{
	assert(rs);
	assert(i < rs->n);
	return &rs->sensors[i].health;
}

const struct reading_check_state *room_sensors_checks(const struct room_sensors *rs, size_t i)
{
	assert(rs);
	assert(i < rs->n);
	return &rs->sensors[i].check;
}

const struct reading_check_params *room_sensors_check_params(const struct room_sensors *rs,
							     size_t i)
{
	assert(rs);
	assert(i < rs->n);
	return &rs->sensors[i].p.check;
}

uint64_t room_sensors_status(const struct room_sensors *rs, uint64_t now_usec)
{
	uint64_t status = 0;

	/* Two bits a sensor; past 32 sensors (more than a config allows) they share. */
	for (size_t i = 0; i < rs->n; i++) {
		const struct sensor_health *h = &rs->sensors[i].health;
		unsigned s = h->stale ? 1 : sensor_health_usable(h, now_usec) ? 2 : 3;

		status ^= (uint64_t) s << (2 * (i % 32));
	}
	return status;
}
