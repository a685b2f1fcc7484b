#include "sensors/reading-check.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensors/sensor-defaults.h"

#define USEC_PER_MINUTE     (60ULL * 1000 * 1000)
#define DS18B20_POWER_ON_MC 85000

void reading_check_params_default(enum reading_check_kind kind, struct reading_check_params *ret)
{
	assert(ret);
	*ret = (struct reading_check_params){
		.min_mc = READING_CHECK_DEFAULT_MIN_MC,
		.max_mc = READING_CHECK_DEFAULT_MAX_MC,
		.max_rate_mc_per_min = READING_CHECK_DEFAULT_MAX_RATE_MC_PER_MIN,
		.jump_floor_mc = 1000,
		.resolution_mc = 1,
		.stuck_usec = READING_CHECK_DEFAULT_STUCK_USEC,
		.power_on_near_mc = 2000,
		.persist_after = 3,
	};
	switch (kind) {
	case READING_CHECK_KIND_DS18B20:
		ret->resolution_mc = 62; /* 1/16 °C at 12 bit */
		break;
	case READING_CHECK_KIND_GENERIC:
		break;
	}
}

void reading_check_state_init(struct reading_check_state *st)
{
	assert(st);
	memset(st, 0, sizeof(*st));
}

static bool near(int32_t v, int32_t target, int32_t slack)
{
	return llabs((long long) v - target) <= slack;
}

/*
 * Values a sensor reports when nothing answers. -127 °C is what many DS18B20
 * stacks (and bridges like Tasmota/ESPHome) report for a lost sensor; 0x0FFF
 * and 0x07FF in sixteenths (255.9375 and 127.9375 °C) are all-ones data;
 * a DS18B20 scratchpad of 0xffff reads -0.0625 °C. Both roundings of x.9375
 * are matched, as drivers truncate and JSON bridges round.
 */
static bool disconnected(enum reading_check_kind kind, const struct temp_reading *r)
{
	int32_t v = r->value_mc;

	if (r->raw_all_ones || r->raw_all_zeros)
		return true;
	if (v == -127000 || near(v, 255937, 1) || near(v, 127937, 1))
		return true;
	switch (kind) {
	case READING_CHECK_KIND_DS18B20:
		return v == -62 || v == -63;
	case READING_CHECK_KIND_GENERIC:
		break;
	}
	return false;
}

static bool jumped(const struct reading_check_state *st, const struct reading_check_params *p,
		   int32_t v, uint64_t now_usec)
{
	uint64_t dt_usec = now_usec > st->last_good_usec ? now_usec - st->last_good_usec : 0;
	double allowed, floor_mc = p->jump_floor_mc;

	if (!st->have_good || p->max_rate_mc_per_min <= 0)
		return false;
	if (floor_mc < 2.0 * p->resolution_mc)
		floor_mc = 2.0 * p->resolution_mc;
	allowed = floor_mc + (double) p->max_rate_mc_per_min * (double) dt_usec / USEC_PER_MINUTE;
	return (double) llabs((long long) v - st->last_good_mc) > allowed;
}

/* Tracks runs of unchanged values; true once one lasted longer than stuck_usec. */
static bool stuck(struct reading_check_state *st, const struct reading_check_params *p, int32_t v,
		  uint64_t now_usec)
{
	/* Within half a step of where the run began counts as unchanged. */
	if (!st->have_run || !near(v, st->run_mc, p->resolution_mc / 2)) {
		st->have_run = true;
		st->run_mc = v;
		st->run_since_usec = now_usec;
		return false;
	}
	return p->stuck_usec > 0 && now_usec > st->run_since_usec &&
	       now_usec - st->run_since_usec > p->stuck_usec;
}

static enum reading_check_verdict verdict_of(struct reading_check_state *st,
					     const struct reading_check_params *p,
					     enum reading_check_kind kind,
					     const struct temp_reading *r, uint64_t now_usec)
{
	int32_t v = r->value_mc;

	if (r->crc_failed)
		return READING_CHECK_VERDICT_CRC;
	if (disconnected(kind, r))
		return READING_CHECK_VERDICT_DISCONNECTED;
	switch (kind) {
	case READING_CHECK_KIND_DS18B20:
		if (v == DS18B20_POWER_ON_MC &&
		    !(st->have_good && near(st->last_good_mc, v, p->power_on_near_mc)))
			return READING_CHECK_VERDICT_POWER_ON;
		break;
	case READING_CHECK_KIND_GENERIC:
		break;
	}
	if (v < p->min_mc || v > p->max_mc)
		return READING_CHECK_VERDICT_RANGE;
	if (jumped(st, p, v, now_usec))
		return READING_CHECK_VERDICT_JUMP;
	if (stuck(st, p, v, now_usec))
		return READING_CHECK_VERDICT_STUCK;
	return READING_CHECK_VERDICT_OK;
}

struct reading_check_result reading_check_evaluate(struct reading_check_state *st,
						   const struct reading_check_params *p,
						   enum reading_check_kind kind,
						   const struct temp_reading *reading,
						   uint64_t now_usec)
{
	struct reading_check_result res = { 0 };

	assert(st);
	res.verdict = verdict_of(st, p, kind, reading, now_usec);
	st->count[res.verdict]++;
	if (res.verdict == READING_CHECK_VERDICT_OK) {
		res.persist_ended = p->persist_after > 0 && st->in_a_row >= p->persist_after;
		st->in_a_row = 0;
		st->have_good = true;
		st->last_good_mc = reading->value_mc;
		st->last_good_usec = now_usec;
		return res;
	}
	if (st->in_a_row < UINT32_MAX)
		st->in_a_row++;
	res.in_a_row = st->in_a_row;
	res.persisting = p->persist_after > 0 && st->in_a_row >= p->persist_after;
	res.persist_began = p->persist_after > 0 && st->in_a_row == p->persist_after;
	return res;
}

const char *reading_check_verdict_to_string(enum reading_check_verdict v)
{
	switch (v) {
	case READING_CHECK_VERDICT_OK:
		return "ok";
	case READING_CHECK_VERDICT_CRC:
		return "crc";
	case READING_CHECK_VERDICT_DISCONNECTED:
		return "disconnected";
	case READING_CHECK_VERDICT_POWER_ON:
		return "power_on";
	case READING_CHECK_VERDICT_RANGE:
		return "range";
	case READING_CHECK_VERDICT_JUMP:
		return "jump";
	case READING_CHECK_VERDICT_STUCK:
		return "stuck";
	}
	return "unknown";
}

const char *reading_check_explain(enum reading_check_verdict v,
				  const struct reading_check_params *p, char *buf, size_t size)
{
	assert(buf && size > 0);
	switch (v) {
	case READING_CHECK_VERDICT_OK:
		snprintf(buf, size, "plausible");
		break;
	case READING_CHECK_VERDICT_CRC:
		snprintf(buf, size, "the sensor's checksum failed");
		break;
	case READING_CHECK_VERDICT_DISCONNECTED:
		snprintf(buf, size, "what a disconnected sensor reads");
		break;
	case READING_CHECK_VERDICT_POWER_ON:
		snprintf(buf, size, "the DS18B20's power-on value, not a measurement");
		break;
	case READING_CHECK_VERDICT_RANGE:
		snprintf(buf, size, "outside %g to %g °C", p->min_mc / 1000.0, p->max_mc / 1000.0);
		break;
	case READING_CHECK_VERDICT_JUMP:
		snprintf(buf, size, "changed faster than a room can: over %g °C a minute",
			 p->max_rate_mc_per_min / 1000.0);
		break;
	case READING_CHECK_VERDICT_STUCK:
		snprintf(buf, size, "the same value for over %g h",
			 (double) p->stuck_usec / 3600e6);
		break;
	default:
		snprintf(buf, size, "refused");
		break;
	}
	return buf;
}
