/* The daemon's path from a timed raw reading to a decision, without its loop. */
#include "daemon/heating-replay.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>

#include "daemon/heating-path.h"
#include "sensors/room-sensors.h"

struct heating_replay {
	const struct config *config;
	struct room_sensors *sensors; /* made at the first moment, as the room at start-up */
	struct thermostat *thermostat;
	struct thermostat_input in;
	struct thermostat_decision last;
	bool started;
	uint64_t now_usec;
	uint64_t wake_usec; /* the thermostat's next wake-up; 0: decide at the first moment */
	enum reading_check_verdict verdict;
	unsigned model_changes;
	bool plug_confirms;
};

int heating_replay_new(const struct config *c, struct heating_replay **ret)
{
	struct thermostat_params p;
	struct heating_replay *r;
	int rc;

	assert(c);
	assert(ret);
	if (c->n_sensors == 0)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->config = c;
	r->last.n_stages = 1;
	heating_path_params(c, 1, &p);
	heating_path_input_init(&c->heating, &r->in);
	rc = thermostat_new(&p, &r->thermostat);
	if (rc < 0) {
		heating_replay_free(r);
		return rc;
	}
	*ret = r;
	return 0;
}

struct heating_replay *heating_replay_free(struct heating_replay *r)
{
	if (!r)
		return NULL;
	room_sensors_free(r->sensors);
	thermostat_free(r->thermostat);
	free(r);
	return NULL;
}

void heating_replay_plug_confirms(struct heating_replay *r, bool confirms)
{
	assert(r);
	r->plug_confirms = confirms;
}

/* What the room hands heating: news only, at the time it was taken. */
static bool take(struct heating_replay *r, const struct room_sensors_result *res)
{
	if (res->news)
		heating_path_reading(&r->in, &res->reading);
	return res->news;
}

int heating_replay_at(struct heating_replay *r, uint64_t now_usec, unsigned sec_of_day,
		      size_t sensor, const struct temp_reading *reading, const int32_t *outdoor_mc)
{
	struct room_sensors_result res;
	bool due;
	int rc;

	assert(r);
	if ((r->started && now_usec < r->now_usec) || (reading && sensor >= r->config->n_sensors))
		return -EINVAL;
	if (!r->sensors) {
		rc = heating_path_sensors_new(r->config, now_usec, &r->sensors);
		if (rc < 0)
			return rc;
	}
	r->started = true;
	r->now_usec = now_usec;
	if (outdoor_mc)
		heating_path_outdoor(&r->in, *outdoor_mc);
	due = now_usec >= r->wake_usec;
	if (reading) {
		room_sensors_offer(r->sensors, sensor, reading, now_usec, &res);
		r->verdict = res.check.verdict;
		due |= take(r, &res);
	}
	if (now_usec >= room_sensors_next_usec(r->sensors)) {
		room_sensors_tick(r->sensors, now_usec, &res, NULL);
		due |= take(r, &res);
	}
	if (!due)
		return 0;
	if (r->plug_confirms)
		r->in.heater[0].confirmed =
		    r->last.stage[0].on ? THERMOSTAT_CONFIRM_ON : THERMOSTAT_CONFIRM_OFF;
	(void) heating_path_decide(r->thermostat, &r->in, 1, now_usec, sec_of_day, &r->last);
	r->model_changes += r->last.model_changed;
	r->wake_usec = r->last.next_wakeup_usec;
	return 1;
}

const struct thermostat_decision *heating_replay_decision(const struct heating_replay *r)
{
	assert(r);
	return &r->last;
}

const struct thermostat_input *heating_replay_input(const struct heating_replay *r)
{
	assert(r);
	return &r->in;
}

struct thermostat *heating_replay_thermostat(struct heating_replay *r)
{
	assert(r);
	return r->thermostat;
}

enum reading_check_verdict heating_replay_verdict(const struct heating_replay *r)
{
	assert(r);
	return r->verdict;
}

unsigned heating_replay_model_changes(const struct heating_replay *r)
{
	assert(r);
	return r->model_changes;
}
