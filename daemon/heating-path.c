/* The path of a room reading to a heating decision: see heating-path.h. */
#include "daemon/heating-path.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MINUTE_USEC (60ULL * 1000000ULL)

void heating_path_sensor_params(const struct config_sensor *cfg, struct room_sensor_params *ret)
{
	assert(cfg);
	assert(ret);
	*ret = (struct room_sensor_params){
		.kind = cfg->type == CONFIG_SENSOR_TYPE_W1 ? READING_CHECK_KIND_DS18B20
							   : READING_CHECK_KIND_GENERIC,
		.offset_mc = (int32_t) lround(cfg->offset_c * 1000),
		.stale_after_usec = cfg->stale_after_usec,
		.max_age_usec = cfg->type == CONFIG_SENSOR_TYPE_MQTT ? cfg->max_age_usec : 0,
	};
	reading_check_params_default(ret->kind, &ret->check);
	ret->check.min_mc = (int32_t) lround(cfg->min_c * 1000);
	ret->check.max_mc = (int32_t) lround(cfg->max_c * 1000);
	ret->check.max_rate_mc_per_min = (int32_t) lround(cfg->max_rate_c_per_min * 1000);
	ret->check.stuck_usec = cfg->stuck_after_usec;
}

int heating_path_sensors_new(const struct config *c, uint64_t now_usec, struct room_sensors **ret)
{
	static const enum room_temp_mode modes[] = {
		[CONFIG_ROOM_AGGREGATE_MIN] = ROOM_TEMP_MODE_MIN,
		[CONFIG_ROOM_AGGREGATE_MEAN] = ROOM_TEMP_MODE_MEAN,
		[CONFIG_ROOM_AGGREGATE_FIRST] = ROOM_TEMP_MODE_FIRST,
	};
	struct room_sensor_params *params;
	int r;

	assert(c);
	assert(ret);
	*ret = NULL;
	if (c->n_sensors == 0)
		return 0;
	params = calloc(c->n_sensors, sizeof(*params));
	if (!params)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_sensors; i++)
		heating_path_sensor_params(&c->sensors[i], &params[i]);
	r = room_sensors_new(params, c->n_sensors, modes[c->room.aggregate], now_usec, ret);
	free(params);
	return r;
}

void heating_path_params(const struct config *c, unsigned n_stages, struct thermostat_params *ret)
{
	const struct config_heating *h = &c->heating;

	assert(c);
	assert(ret);
	thermostat_params_init(ret);
	ret->n_stages = n_stages;
	ret->min_on_usec = h->min_on_usec;
	ret->min_off_usec = h->min_off_usec;
	ret->max_on_usec = h->max_on_usec;
	ret->overheat_c = h->overheat_c;
	ret->fallback_duty = h->fallback_duty;
	ret->no_effect_usec = h->no_effect_usec;
	ret->preheat_max_usec = h->preheat_max_usec;
	/*
	 * The room judges each value by the stale_after of the sensor it came from:
	 * at that sensor's stale edge it hands heating the value it falls back to
	 * (with that one's own time) or an unknown room (room_sensors' news). The
	 * longest stale_after is only the thermostat's backstop (and its wait for a
	 * first reading): it never judges a value sooner than the room does.
	 */
	for (size_t i = 0; i < c->n_sensors; i++)
		if (c->sensors[i].stale_after_usec > ret->stale_usec)
			ret->stale_usec = c->sensors[i].stale_after_usec;
	for (unsigned i = 0; i < n_stages && i < c->n_heaters; i++)
		if (i == 0 || c->heaters[i].min_power_w < ret->no_effect_power_w)
			ret->no_effect_power_w = c->heaters[i].min_power_w;
}

void heating_path_input_init(const struct config_heating *c, struct thermostat_input *ret)
{
	assert(c);
	assert(ret);
	thermostat_input_init(ret);
	ret->mode = c->mode == CONFIG_HEATING_MODE_OFF ? THERMOSTAT_MODE_OFF : THERMOSTAT_MODE_HEAT;
	ret->floor_c = c->floor_c;
	ret->day_floor_enabled = !isnan(c->day_floor_c);
	if (ret->day_floor_enabled)
		ret->day_floor_c = c->day_floor_c;
	ret->night_start_min = (unsigned) c->night_start_min;
	ret->night_end_min = (unsigned) c->night_end_min;
}

void heating_path_reading(struct thermostat_input *in, const struct room_reading *reading)
{
	assert(in);
	assert(reading);
	in->jump_held_c = reading->jump_held ? (double) reading->jump_held_mc / 1000.0 : NAN;
	in->room_known = reading->known;
	if (reading->known) {
		in->room_c = (double) reading->value_mc / 1000.0;
		in->room_usec = reading->taken_usec;
	}
}

void heating_path_outdoor(struct thermostat_input *in, int32_t mc)
{
	assert(in);
	in->outdoor_known = true;
	in->outdoor_c = (double) mc / 1000.0;
}

int heating_path_decide(struct thermostat *t, const struct thermostat_input *in, unsigned n_stages,
			uint64_t now_usec, unsigned sec_of_day, struct thermostat_decision *ret)
{
	int r;

	assert(t);
	assert(in);
	assert(ret);
	if (sec_of_day == HEATING_PATH_CLOCK_UNSET) {
		struct thermostat_input unset = *in;

		if (unset.day_floor_enabled && unset.day_floor_c > unset.floor_c)
			unset.floor_c = unset.day_floor_c;
		r = thermostat_step(t, &unset, now_usec, in->night_start_min * 60, ret);
	} else {
		r = thermostat_step(t, in, now_usec, sec_of_day, ret);
	}
	if (r < 0) {
		memset(ret, 0, sizeof(*ret));
		ret->n_stages = n_stages;
		ret->floor_c = NAN;
		ret->estimate_c = NAN;
		ret->next_wakeup_usec = now_usec + MINUTE_USEC;
	}
	return r;
}
