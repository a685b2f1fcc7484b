/*
 * libFuzzer harness: the thermostat (control/thermostat*.c) fed what a sensor,
 * the plugs, Home Assistant and the store can give it. It must never crash on
 * input from a sensor or the store, and its decisions keep the contract of
 * control/thermostat.h; a violation aborts (fail()), so libFuzzer reports it.
 *
 * The input: a header of parameters (decoded into what the daemon's config
 * allows, or refused by thermostat_new()), a simulated room, one line of text
 * for thermostat_model_parse()/_set() (as read back from the store), then steps
 * of STEP_BYTES each: how far time moves (never backwards), the reading, the
 * heaters' answers and now and then a change of the inputs, a thermometer
 * change, or a round trip of the learned model. Readings mostly come from a
 * simple simulated room that the heaters warm, so that the room model gets
 * learned and decides; "run" steps repeat a regular reading for many periods
 * in one step so that a short input reaches that. MAX_STEPS and MAX_TIME_USEC
 * bound one input.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/thermostat-internal.h"
#include "control/thermostat.h"

#define MAX_STEPS 2000
/*
 * And at most this much time: the room model is fitted every half an hour of
 * it (~150 k flops, ~10 ms under the sanitizers), enough to learn the room in.
 */
#define MAX_TIME_USEC  (3 * 24 * HOUR)
#define STEP_BYTES     6
#define SEC            1000000ULL
#define MIN            (60 * SEC)
#define HOUR           (60 * MIN)
#define COLD_MARGIN    1.0 /* "clearly below the floor" for the never-cold invariant */
#define MODEL_READINGS 10  /* a steady run the room model's filter has settled on */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bytes of the input, read in order; zeros once they run out. */
struct bytes {
	const uint8_t *p;
	size_t n;
};

static unsigned u8(struct bytes *b)
{
	unsigned v = 0;

	if (b->n > 0) {
		v = *b->p++;
		b->n--;
	}
	return v;
}

static unsigned u16(struct bytes *b)
{
	unsigned hi = u8(b);

	return hi << 8 | u8(b);
}

/* @lo..@hi from one byte. */
static double scale8(unsigned v, double lo, double hi)
{
	return lo + (hi - lo) * (double) v / 255.0;
}

static uint64_t usec8(unsigned v, uint64_t lo, uint64_t hi)
{
	return lo + (hi - lo) * v / 255;
}

static _Noreturn void fail(const char *what)
{
	fprintf(stderr, "fuzz-thermostat: invariant violated: %s\n", what);
	abort();
}

/* The parameters: the daemon's config ranges (config/config-keys.c), the rest near defaults. */
static void decode_params(struct bytes *b, struct thermostat_params *p)
{
	static const uint64_t periods_s[] = { 60, 60, 60, 60, 10, 30, 120, 300 };
	static const uint64_t lags_s[] = { 120, 120, 0, 30, 60, 180, 300, 600 };
	unsigned flags;

	thermostat_params_init(p);
	p->n_stages = u8(b) % 5; /* 0: refused */
	p->min_on_usec = usec8(u8(b), 0, HOUR);
	p->min_off_usec = usec8(u8(b), 0, HOUR);
	p->max_on_usec = usec8(u8(b), 10 * MIN, 24 * HOUR);
	p->overheat_c = scale8(u8(b), 15, 40);
	p->fallback_duty = scale8(u8(b), 0, 0.6); /* above 0.5: refused */
	p->no_effect_usec = usec8(u8(b), 5 * MIN, 12 * HOUR);
	p->preheat_max_usec = usec8(u8(b), 0, 12 * HOUR);
	p->stale_usec = usec8(u8(b), 300 * SEC, 2 * HOUR);
	p->no_effect_power_w = scale8(u8(b), 0, 100);
	flags = u8(b);
	if (flags & 1) {
		p->reading_period_usec = periods_s[u8(b) % 8] * SEC;
		p->sensor_lag_usec = lags_s[u8(b) % 8] * SEC;
	}
	if (flags & 2) {
		p->bed_min_on_usec = usec8(u8(b), 0, HOUR);
		p->bed_min_off_usec = usec8(u8(b), 0, HOUR);
		p->bed_band_factor = scale8(u8(b), 0.9, 3); /* below 1: refused */
	}
	if (flags & 4) {
		p->margin_c = scale8(u8(b), 0, 1);
		p->band_c = scale8(u8(b), 0, 3); /* 0: refused */
		p->unlearned_margin_c = scale8(u8(b), 0, 2.5);
		p->cycle_usec = usec8(u8(b), 0, 2 * HOUR);
	}
	if (flags & 8) {
		p->stage_delay_usec = usec8(u8(b), 0, 2 * HOUR);
		p->max_on_rest_usec = usec8(u8(b), 0, 2 * HOUR);
		p->no_effect_backoff_usec = usec8(u8(b), 0, 2 * HOUR);
		p->no_effect_backoff_max_usec = usec8(u8(b), 0, 12 * HOUR);
	}
}

/* A room warmed by the heaters that are really on, losing heat to the outdoor air. */
struct sim {
	double air_c, sensor_c, out_c;
	double gain_k_per_s, loss_per_s, sensor_lag_s;
};

static void sim_init(struct sim *s, struct bytes *b)
{
	s->air_c = scale8(u8(b), 5, 25);
	s->sensor_c = s->air_c;
	s->out_c = scale8(u8(b), -30, 20);
	s->gain_k_per_s = scale8(u8(b), 1, 60) / 3600;
	s->loss_per_s = scale8(u8(b), 0.05, 2) / 3600;
	s->sensor_lag_s = scale8(u8(b), 0, 600);
}

static void sim_advance(struct sim *s, double h_s, double heaters)
{
	double target = s->out_c + heaters * s->gain_k_per_s / s->loss_per_s;

	/* bounded steps: a jump of days is done in hours */
	while (h_s > 0) {
		double h = fmin(h_s, 3600);

		s->air_c = target + (s->air_c - target) * exp(-s->loss_per_s * h);
		s->sensor_c = s->sensor_lag_s > 0
				  ? s->air_c + (s->sensor_c - s->air_c) * exp(-h / s->sensor_lag_s)
				  : s->air_c;
		h_s -= h;
	}
}

/* A DS18B20's 1/16 K steps. */
static double quantise(double c)
{
	return round(c * 16) / 16;
}

struct run {
	struct thermostat *t;
	struct thermostat_params p;
	struct thermostat_input in;
	struct thermostat_decision d;
	bool have_d;
	struct sim sim;
	uint64_t now;
	uint64_t start;
	uint64_t sec0; /* local second of the day at now = 0, DST shifts included */
	unsigned steps;
	/*
	 * The readings given: the newest value and since when it has not changed
	 * (NAN: a reading the thermostat may have left out came since).
	 */
	double run_c;
	uint64_t run_since_usec;
	unsigned run_n; /* new readings in the run */
	bool have_newest;
	uint64_t newest_usec; /* the newest reading's time */
	bool stage0_on;
	uint64_t stage0_on_since;
	unsigned round_trips;
};

static unsigned sec_of_day(const struct run *r)
{
	return (unsigned) ((r->sec0 + r->now / SEC) % 86400);
}

static double heaters_really_on(const struct run *r)
{
	double u = 0;

	for (unsigned i = 0; i < r->p.n_stages; i++) {
		const struct thermostat_heater_input *h = &r->in.heater[i];

		if (r->have_d && r->d.stage[i].on && !h->unavailable &&
		    h->confirmed != THERMOSTAT_CONFIRM_OFF &&
		    !(h->power_known && h->power_w < r->p.no_effect_power_w))
			u += 1;
	}
	return u;
}

/* A new reading at @usec of @c. */
static void give_reading(struct run *r, double c, uint64_t usec)
{
	bool again = r->in.room_known && usec == r->in.room_usec && c == r->in.room_c;

	if (!again && r->have_newest && usec <= r->newest_usec) {
		/* not newer than one given: the thermostat's estimator leaves it out */
		r->run_c = NAN;
	} else if (!again && c != r->run_c) {
		r->run_c = c;
		r->run_since_usec = usec;
		r->run_n = 1;
	} else if (!again) {
		r->run_n++;
	}
	if (!r->have_newest || usec > r->newest_usec)
		r->newest_usec = usec;
	r->have_newest = true;
	r->in.room_known = true;
	r->in.room_c = c;
	r->in.room_usec = usec;
}

static void no_reading(struct run *r)
{
	r->in.room_known = false;
	r->run_c = NAN;
}

/* The heaters' answers: mostly the plug doing as told, now and then anything. */
static void decode_heaters(struct run *r, unsigned v)
{
	for (unsigned i = 0; i < r->p.n_stages; i++) {
		struct thermostat_heater_input *h = &r->in.heater[i];
		bool on = r->have_d && r->d.stage[i].on;
		unsigned k = (v >> (2 * i)) & 3;

		if (k != 3 || i == 0) {
			h->confirmed = on ? THERMOSTAT_CONFIRM_ON : THERMOSTAT_CONFIRM_OFF;
			h->power_known = true;
			h->power_w = on ? 1500 : 0;
			h->unavailable = false;
		}
		if (k == 1 && i == 0) { /* an odd answer for the first: from the high bits */
			h->confirmed = (enum thermostat_confirm)((v >> 2) % 3);
			h->power_known = v & 0x10;
			h->power_w = v & 0x20 ? 5 : 1500;
			h->unavailable = (v & 0xc0) == 0xc0;
		} else if (k == 3 && i > 0) {
			h->confirmed = THERMOSTAT_CONFIRM_UNKNOWN;
			h->power_known = false;
			h->unavailable = true;
		}
	}
}

/* Changes to what Home Assistant and the config give: mode, floors, window, bed, outdoor. */
static void decode_change(struct run *r, unsigned what, unsigned v)
{
	switch (what % 8) {
	case 0:
		r->in.mode = v & 1 ? THERMOSTAT_MODE_OFF : THERMOSTAT_MODE_HEAT;
		break;
	case 1:
		r->in.floor_c = scale8(v, 5, 30);
		break;
	case 2:
		r->in.day_floor_enabled = v & 1;
		r->in.day_floor_c = scale8(v, 5, 30);
		break;
	case 3:
		r->in.night_start_min = v * 1439 / 255;
		break;
	case 4:
		r->in.night_end_min = v * 1439 / 255;
		break;
	case 5:
		r->in.bed = (enum thermostat_bed)(v % 3);
		break;
	case 6:
		r->in.outdoor_known = v != 0;
		r->in.outdoor_c = scale8(v, -40, 40);
		r->sim.out_c = r->in.outdoor_known ? r->in.outdoor_c : r->sim.out_c;
		break;
	case 7: /* a DST change of the wall clock */
		r->sec0 += v & 1 ? 3600 : 86400 - 3600;
		break;
	}
}

static bool fresh(const struct run *r)
{
	return r->in.room_known && isfinite(r->in.room_c) && r->in.room_usec <= r->now &&
	       r->now - r->in.room_usec <= r->p.stale_usec;
}

static bool reason_valid(enum thermostat_reason x)
{
	return x >= THERMOSTAT_REASON_MODE_OFF && x <= THERMOSTAT_REASON_NO_EFFECT;
}

/* What was learned: no infinities; NAN only where thermostat.h allows it (nothing fitted). */
static void check_learned(const struct thermostat *t)
{
	struct thermostat_learned l;

	thermostat_get_learned(t, &l);
	{
		const double v[] = { l.band_c,       l.on_offset_c,  l.preheat_usec_per_k,
				     l.duty,         l.max_rise_k,   l.heater_gain_k_per_h,
				     l.heater_lag_s, l.sensor_lag_s, l.room_tau_s,
				     l.walls_tau_s,  l.sure,         l.margin_c };

		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
			if (isinf(v[i]))
				fail("thermostat_get_learned: an infinity");
	}
	if (isnan(l.band_c) || isnan(l.on_offset_c) || isnan(l.duty) || isnan(l.sure) ||
	    isnan(l.margin_c) || isnan(l.preheat_usec_per_k))
		fail("thermostat_get_learned: NAN where a number is always known");
}

/*
 * Never cold, in the form the design guarantees: heating asked for, a floor in
 * force, a fresh reading that has stayed at one value clearly below it for the
 * whole of the estimator's window (so no trend can put the estimate above it),
 * no over-temperature, the first heater available: the first stage is on, or
 * held off by relay care (min_off) or its own fail-safes (max_on_time, no_effect),
 * or it is taking the early break before the maximum on-time (thermostat-floor.c
 * rest_due(), thermostat-plan.c).
 *
 * With the room model deciding, the estimate is the Kalman filter's. A reading
 * 2 K or more from what it expects starts it again (thermostat-learn.c); one
 * closer is taken in by about a fifth a reading, and nothing promises how fast
 * the filter follows such a step, only that it settles on a steady reading:
 * there the run must be MODEL_READINGS long.
 */
static void check_never_cold(const struct run *r, bool model)
{
	const struct thermostat_stage_decision *s0 = &r->d.stage[0];
	uint64_t window = 4 * r->p.reading_period_usec + 30 * SEC;

	if (r->in.mode != THERMOSTAT_MODE_HEAT || !fresh(r) || !isfinite(r->d.floor_c) ||
	    (r->d.alerts_active & THERMOSTAT_ALERT_BIT(THERMOSTAT_ALERT_OVER_TEMPERATURE)) ||
	    r->in.heater[0].unavailable || !(r->in.room_c == r->run_c) ||
	    r->in.room_usec - r->run_since_usec < window || (model && r->run_n < MODEL_READINGS) ||
	    !(r->in.room_c < r->d.floor_c - COLD_MARGIN))
		return;
	if (s0->on || s0->reason == THERMOSTAT_REASON_MIN_OFF ||
	    s0->reason == THERMOSTAT_REASON_MAX_ON_TIME ||
	    s0->reason == THERMOSTAT_REASON_NO_EFFECT)
		return;
	if (r->stage0_on &&
	    r->now - r->stage0_on_since + 2 * r->p.reading_period_usec >= r->p.max_on_usec)
		return;
	fprintf(stderr, "fuzz-thermostat: room %.3f floor %.3f, stage 0 off (%s), %s\n",
		r->in.room_c, r->d.floor_c, thermostat_reason_to_string(s0->reason),
		model ? "model" : "fallback band");
	fail(model ? "never cold (model in use)" : "never cold (fallback band)");
}

static void check_decision(const struct run *r)
{
	const struct thermostat_decision *d = &r->d;
	bool all_off = true;
	struct thermostat_learned l;

	if (d->next_wakeup_usec <= r->now)
		fail("next_wakeup_usec not after now");
	if (d->n_stages != r->p.n_stages)
		fail("n_stages");
	if (isinf(d->estimate_c) || isinf(d->floor_c))
		fail("estimate_c or floor_c infinite");
	if (!reason_valid(d->reason))
		fail("reason out of range");
	for (unsigned i = 0; i < d->n_stages; i++) {
		if (!reason_valid(d->stage[i].reason))
			fail("stage reason out of range");
		all_off = all_off && !d->stage[i].on;
	}
	if (r->in.mode == THERMOSTAT_MODE_OFF && !all_off)
		fail("mode off, a stage on");
	if (fresh(r) && r->in.room_c >= r->p.overheat_c && !all_off)
		fail("over temperature, a stage on");
	check_learned(r->t);
	thermostat_get_learned(r->t, &l);
	check_never_cold(r, l.model_in_use);
}

/* The calls the contract refuses: -EINVAL and the decision left untouched. */
static void check_refusals(struct run *r)
{
	struct thermostat_decision d, sentinel;
	struct thermostat_input in = r->in;

	memset(&sentinel, 0xa5, sizeof(sentinel));
	d = sentinel;
	if (thermostat_step(r->t, &r->in, r->now, 86400, &d) != -EINVAL)
		fail("second of the day 86400 accepted");
	in.night_start_min = 1440;
	if (thermostat_step(r->t, &in, r->now, sec_of_day(r), &d) != -EINVAL)
		fail("night window 1440 accepted");
	if (r->have_d && r->now > 0 &&
	    thermostat_step(r->t, &r->in, r->now - 1, sec_of_day(r), &d) != -EINVAL)
		fail("time going backwards accepted");
	if (memcmp(&d, &sentinel, sizeof(d)) != 0)
		fail("a refused step wrote its decision");
}

static void step(struct run *r)
{
	if (thermostat_step(r->t, &r->in, r->now, sec_of_day(r), &r->d) != 0)
		fail("thermostat_step refused a valid call");
	r->have_d = true;
	r->steps++;
	check_decision(r);
	if (r->d.stage[0].on && !r->stage0_on)
		r->stage0_on_since = r->now;
	r->stage0_on = r->d.stage[0].on;
}

/* Time moves by @dt_usec; the room follows the heaters that were on. */
static void advance(struct run *r, uint64_t dt_usec)
{
	sim_advance(&r->sim, (double) dt_usec / 1e6, heaters_really_on(r));
	r->now += dt_usec;
}

/* What the thermostat itself learned must come back from the store: a bug otherwise. */
static void round_trip(struct run *r)
{
	struct thermostat_model m, back;
	char text[THERMOSTAT_MODEL_TEXT_MAX];
	int n;

	if (thermostat_model_get(r->t, &m) < 0)
		return;
	n = thermostat_model_format(&m, text, sizeof(text));
	if (n < 0)
		fail("thermostat_model_format of the thermostat's own model");
	if (thermostat_model_parse(text, &back) != 0)
		fail("thermostat_model_parse of the thermostat's own model");
	if (thermostat_model_differs(&m, &back))
		fail("the model read back differs from the one kept");
	if (thermostat_model_set(r->t, &back) != 0) {
		fprintf(stderr, "fuzz-thermostat: refused: %s\n", text);
		fail("thermostat_model_set refused the thermostat's own model");
	}
	r->round_trips++;
}

/* A line from the store: if it parses, set; a refusal leaves the thermostat as it was. */
static void set_text(struct run *r, const char *line)
{
	static struct thermostat before;
	struct thermostat_model m;
	int k;

	if (thermostat_model_parse(line, &m) != 0)
		return;
	memcpy(&before, r->t, sizeof(before));
	k = thermostat_model_set(r->t, &m);
	if (k == 0)
		return;
	if (k != -EINVAL && k != -ESTALE)
		fail("thermostat_model_set: an unexpected error");
	if (memcmp(&before, r->t, sizeof(before)) != 0)
		fail("a refused thermostat_model_set changed the thermostat");
}

/* How far time moves: nothing, seconds, about a reading period (most often), up to days. */
static uint64_t decode_dt(const struct run *r, unsigned kind, unsigned v)
{
	switch (kind % 8) {
	case 0:
		return 0;
	case 1:
		return v * SEC;
	case 5:
		return v * MIN;
	case 6:
		return (v % 48 + 1) * HOUR;
	case 7:
		return (v % 3 + 1) * 24 * HOUR;
	default:
		return (uint64_t) ((double) r->p.reading_period_usec * (0.5 + v / 255.0));
	}
}

static void decode_reading(struct run *r, unsigned kind, unsigned v)
{
	double c;

	switch (kind % 8) {
	case 3: /* the same value again, newly taken */
		if (r->in.room_known)
			give_reading(r, r->in.room_c, r->now);
		break;
	case 4: /* no new reading: as it was */
		break;
	case 5: /* a jump anywhere a sensor reads (a sensor swapped, a heat gun) */
		c = quantise(scale8(v, -55, 125));
		if (v & 1)
			r->sim.air_c = r->sim.sensor_c = c;
		give_reading(r, c, r->now);
		break;
	case 6: { /* an old reading, maybe stale */
		uint64_t age = r->p.reading_period_usec * (v % 64) / 8;

		give_reading(r, quantise(r->sim.sensor_c), r->now >= age ? r->now - age : 0);
		break;
	}
	case 7:
		if (v & 1)
			no_reading(r);
		else
			give_reading(r, quantise(r->sim.sensor_c + ((int) (v >> 1) - 64) / 16.0),
				     r->now);
		break;
	default:
		give_reading(r, quantise(r->sim.sensor_c), r->now);
		break;
	}
}

static bool budget_left(const struct run *r)
{
	return r->steps < MAX_STEPS && r->now - r->start < MAX_TIME_USEC;
}

/*
 * Regular readings for @n periods, the plugs doing as told: from the simulated
 * room, or (@held) the reading as it is, again and again (a room that does not
 * warm: an open window, a heater in another room).
 */
static void run_regular(struct run *r, unsigned n, bool held)
{
	for (unsigned k = 0; k < n && budget_left(r); k++) {
		advance(r, r->p.reading_period_usec);
		decode_heaters(r, 0);
		if (held && r->in.room_known)
			give_reading(r, r->in.room_c, r->now);
		else
			give_reading(r, quantise(r->sim.sensor_c), r->now);
		step(r);
	}
}

static void special(struct run *r, unsigned op, unsigned v, const char *line)
{
	switch (op % 8) {
	case 0:
		thermostat_sensor_changed(r->t, r->now >= v * SEC ? r->now - v * SEC : 0);
		no_reading(r);
		break;
	case 1:
		round_trip(r);
		break;
	case 2:
		set_text(r, line);
		break;
	case 3:
		check_refusals(r);
		break;
	case 4:
		run_regular(r, v, false);
		break;
	case 5:
		run_regular(r, v, true);
		break;
	default:
		decode_change(r, op >> 3, v);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bytes b = { data, size };
	struct run r = { .run_c = NAN };
	char line[256];
	size_t len;
	unsigned flags;

	decode_params(&b, &r.p);
	if (thermostat_new(&r.p, &r.t) < 0)
		return 0;
	sim_init(&r.sim, &b);
	thermostat_input_init(&r.in);
	r.in.floor_c = scale8(u8(&b), 5, 30);
	r.now = r.start = (uint64_t) u16(&b) * SEC;
	r.sec0 = (uint64_t) u16(&b) * 86400 / 65536;
	flags = u8(&b);
	len = u8(&b);
	len = len < b.n ? len : b.n;
	len = len < sizeof(line) - 1 ? len : sizeof(line) - 1;
	memcpy(line, b.p, len);
	line[len] = '\0';
	b.p += len;
	b.n -= len;
	if (flags & 1)
		set_text(&r, line);
	while (b.n >= STEP_BYTES && budget_left(&r)) {
		unsigned b0 = u8(&b), b1 = u8(&b), b2 = u8(&b), b3 = u8(&b), b4 = u8(&b),
			 b5 = u8(&b);

		if ((b0 >> 6) == 3)
			special(&r, b4, b5, line);
		else if ((b0 >> 6) == 2)
			decode_change(&r, b4, b5);
		advance(&r, decode_dt(&r, b0, b1));
		decode_heaters(&r, (b0 >> 6) == 1 ? b3 : 0);
		decode_reading(&r, b0 >> 3, b2);
		step(&r);
	}
	if (flags & 2)
		round_trip(&r);
	thermostat_free(r.t);
	return 0;
}
