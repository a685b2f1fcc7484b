/*
 * Deciding on the model (model-predictive, by superposition). The model is
 * linear, so the predicted air for any on/off plan is the free response F (the
 * heater off from now on) plus the step response S shifted to each switch-on:
 * the on/off questions below cost a few thousand additions.
 *
 * - Off now: switch on now if waiting for the next chance to act (the next
 *   reading) would let the predicted true air go below the aim (the floor, the
 *   margin and what the troughs taught, thermostat_model_floor(); while the
 *   walls recover from a setback, what the worse troughs taught).
 * - On now (past the minimum on-time): switching off now is possible if, with
 *   the heater back on at the latest moment that still holds the aim, that
 *   moment is at least the minimum off-time away (else it stays on: the stored
 *   heat would not carry the room). It switches off once the cycle that makes
 *   (this on-time plus that off-time) is as long as the target cycle: the cycle
 *   a plain +-0.3 K hysteresis on the reading would have in this room with this
 *   heater now (computed on the model at each switch-on). The troughs then sit
 *   at the aim, as low as the floor allows, and the relay clicks no more often
 *   than such a thermostat's. How long the cycles really came out against the
 *   plan corrects the next plans (cycle_gain), so that model errors in the
 *   off-time do not add clicks.
 * - Pre-heat: heating starts when, started at the next chance, full power would
 *   only just bring the predicted air to the aim (the recovery's, plus
 *   PREHEAT_MARGIN_C) PREHEAT_EARLY_S before the night begins: a weak or slow
 *   heater creeps up to the floor at the end, and the evening may cool (the
 *   model takes the outdoor temperature as it is now).
 * - Never on with the estimated air THERMOSTAT_MODEL_HOT_C above the aim: a
 *   model that wants that is wrong about the room and goes on trial.
 */
#include <math.h>

#include "control/thermostat-defaults.h"
#include "control/thermostat-internal.h"

#define JOIN_HORIZON_S   3600.0 /* a stage joins if those on would not reach the aim within */
#define TURN_S           2400.0 /* how long after a switch-on the trough is looked for */
#define REF_MID_C        0.5    /* the reference hysteresis: +-0.3 K around floor + 0.5 */
#define REF_BAND_C       0.6
#define PREHEAT_MARGIN_C 0.1
#define PREHEAT_EARLY_S  1800.0
#define CYCLE_MARGIN     1.05 /* a little longer than the reference: its clicks are an estimate */
/* longer still while the walls recover from a setback: the cycles grow as they warm */
#define CYCLE_MARGIN_RECOVERY 1.15

static unsigned steps_of(double s)
{
	return (unsigned) ceil(s / PLAN_DT_S);
}

/* Lowest predicted air with the heater switched on at step @s (after the turn). */
static double min_with_on(const struct thermostat *t, unsigned s, unsigned turn)
{
	double m = INFINITY;
	unsigned end = s + turn < t->free.n ? s + turn : t->free.n;

	for (unsigned k = 0; k < end; k++) {
		double v = t->free.ta[k] + (k >= s ? t->step.ta[k - s] : 0);

		if (v < m)
			m = v;
	}
	return m;
}

/* The same for the reading (the sensor), for the trough watch. */
static double min_reading_with_on(const struct thermostat *t, unsigned s, unsigned turn,
				  unsigned *ret_k)
{
	double m = INFINITY;
	unsigned end = s + turn < t->free.n ? s + turn : t->free.n;

	*ret_k = 0;
	for (unsigned k = 0; k < end; k++) {
		double v = t->free.ts[k] + (k >= s ? t->step.ts[k - s] : 0);

		if (v < m) {
			m = v;
			*ret_k = k;
		}
	}
	return m;
}

/*
 * How much the reading is expected to rise in the no-effect time after
 * switching on now: a weak heater holding a cold room at full duty may lift the
 * reading by less than no_effect_rise, and that is not a fault. The fail-safe
 * (thermostat-safety.c) then asks for half of the rise expected (at least
 * 0.1 K, never more than no_effect_rise): a dead plug or an open window still
 * gives much less than that.
 */
static double expected_rise_c(const struct thermostat *t)
{
	unsigned n = steps_of((double) t->p.no_effect_usec / 1e6);
	double lo = INFINITY, rise = 0;

	for (unsigned k = 0; k < n && k < t->free.n; k++) {
		double v = t->free.ts[k] + t->step.ts[k];

		lo = fmin(lo, v);
		rise = fmax(rise, v - lo);
	}
	return rise;
}

/* The free response made long enough to reach @horizon_s (within the plan); its last step. */
static unsigned free_response_to(struct thermostat *t, double horizon_s)
{
	unsigned h = steps_of(horizon_s);

	if (h >= PLAN_N)
		h = PLAN_N - 1;
	if (h >= t->free.n)
		plan_free_response(&t->obs, &t->plant, h + 1, &t->free);
	return h;
}

/*
 * Whether one more stage is needed although the air still rises: the @want
 * stages on would not bring it to the aim within JOIN_HORIZON_S (a slow
 * heater's output keeps the free response rising for many minutes after any
 * switch-off: on the free response alone, a second oil radiator never joined a
 * timber room 6 K below the floor, 1110 min below in 4 nights). While
 * pre-heating, the horizon is the night's start, and the stage joins at the
 * latest moment that still brings the air to the aim PREHEAT_EARLY_S before
 * it, as the pre-heat itself starts: on the hour alone, both slow radiators
 * joined every long pre-heat at once, warmed the room hours early and
 * overshot to 23.4 C, and the hard stop that followed put the model on trial.
 */
static bool join_needed(struct thermostat *t, uint64_t now_usec, unsigned want, double aim)
{
	double horizon_s = JOIN_HORIZON_S;
	bool preheat = t->preheat_end_usec > now_usec;
	unsigned h, next = steps_of((double) t->p.reading_period_usec / 1e6);

	if (preheat)
		horizon_s = fmax(horizon_s, (double) (t->preheat_end_usec - now_usec) / 1e6);
	h = free_response_to(t, horizon_s);
	if (t->free.ta[h] + want * t->step.ta[h] >= aim)
		return false;
	if (preheat) {
		double left_s = (double) (t->preheat_end_usec - now_usec) / 1e6 - PREHEAT_EARLY_S;
		unsigned k = left_s > 0 ? steps_of(left_s) : 0;

		/* joining at the next reading would still be in time */
		if (k > next && k < t->free.n &&
		    t->free.ta[k] + want * t->step.ta[k] + t->step.ta[k - next] >=
			aim + PREHEAT_MARGIN_C)
			return false;
	}
	return true;
}

/* Whether @n stages on keep the predicted air at the aim from step @from to JOIN_HORIZON_S. */
static bool stages_hold(struct thermostat *t, unsigned n, unsigned from, double aim)
{
	unsigned h = free_response_to(t, JOIN_HORIZON_S);

	for (unsigned k = from; k <= h && k < t->free.n; k++)
		if (t->free.ta[k] + n * t->step.ta[k] < aim)
			return false;
	return true;
}

static void switch_on(struct thermostat *t, uint64_t now_usec, unsigned turn)
{
	unsigned k;

	t->model_rise_c = thermostat_clamp(0.5 * expected_rise_c(t), 0.1, t->p.no_effect_rise_c);
	t->watch = true;
	t->watch_pred_c = min_reading_with_on(t, 0, turn, &k);
	t->watch_until_usec = now_usec + (uint64_t) ((k + 6) * PLAN_DT_S * 1e6);
	t->watch_min_c = INFINITY;
	t->watch_last_c = NAN;
}

void thermostat_plan_control(struct thermostat *t, uint64_t now_usec, double floor_c, bool in_bed)
{
	double aim = thermostat_model_floor(t, floor_c, now_usec < t->recovery_until_usec);
	double reading_s;
	unsigned turn = steps_of(t->plant.heater_lag_s + t->plant.sensor_lag_s + TURN_S);
	unsigned want = t->demand, next;

	reading_s = (double) t->p.reading_period_usec / 1e6;
	next = steps_of(reading_s);
	plan_free_response(&t->obs, &t->plant, PLAN_N * 3 / 5, &t->free);
	if (t->demand == 0) {
		if (min_with_on(t, next, turn) < aim)
			want = 1;
	} else {
		uint64_t min_on = thermostat_min_on_usec(t, in_bed);
		uint64_t min_off = thermostat_min_off_usec(t, in_bed);
		double on_s = (double) (now_usec - t->last_on_usec) / 1e6;
		double target;

		if (isnan(t->ref_cycle_s))
			t->ref_cycle_s = plan_reference_cycle_s(
			    &t->obs, &t->plant, floor_c + REF_MID_C, REF_BAND_C, reading_s);
		target =
		    (now_usec < t->recovery_until_usec ? CYCLE_MARGIN_RECOVERY : CYCLE_MARGIN) *
		    t->ref_cycle_s * t->cycle_gain * (in_bed ? t->p.bed_band_factor : 1.0);
		unsigned lo = steps_of((double) min_off / 1e6), hi;

		hi = t->free.n > turn ? t->free.n - turn : lo;
		if (now_usec - t->last_on_usec >= min_on && lo <= hi &&
		    min_with_on(t, lo, turn) >= aim) {
			/* the latest switch-on that still holds the aim */
			while (lo < hi) {
				unsigned mid = (lo + hi + 1) / 2;

				if (min_with_on(t, mid, turn) >= aim)
					lo = mid;
				else
					hi = mid - 1;
			}
			if (on_s + lo * PLAN_DT_S >= target) {
				want = 0;
				t->cycle_target_s = target / t->cycle_gain;
			}
		}
		/*
		 * About to be rested by the maximum on-time (a long pre-heat on a very
		 * cold evening): a break of the minimum off-time now is far better than
		 * the forced rest of max_on_rest a few minutes later (on the coldest
		 * nights of the matrix that rest cost up to 3.9 K). But a heater that
		 * cannot hold the aim even flat out is said, as max_on says it: the
		 * break is a rest of max_on_time, alerted (taken silently, a 700 W
		 * heater ran 6 h on and 3 min off for two days, the room sinking below
		 * the floor, and nobody was told).
		 */
		if (t->stage[0].on &&
		    now_usec - t->stage[0].changed_usec + 2 * t->p.reading_period_usec >=
			t->p.max_on_usec) {
			struct thermostat_stage *s = &t->stage[0];

			want = 0;
			if (min_with_on(t, steps_of((double) min_off / 1e6), turn) < aim) {
				s->lockout_until_usec = now_usec + min_off;
				s->lockout_reason = THERMOSTAT_REASON_MAX_ON_TIME;
				thermostat_set_alert(&s->alerts, THERMOSTAT_ALERT_MAX_ON_TIME,
						     true);
			}
		}
		/*
		 * A heater beyond the first leaves at the aim when the others hold
		 * it. Kept on to the cycle's end (the reference cycle is one
		 * heater's, hours long where one cannot hold the aim), two heaters
		 * held a warm day's air at the 26 C cut-off; leaving at the aim
		 * whether or not the others held it, the room sank below the floor.
		 */
		if (want >= 2 && t->obs.ta >= aim && stages_hold(t, want - 1, next, aim))
			want--;
		/* more heaters: as in the fallback band, when one is not enough */
		if (want >= 1 && want < t->p.n_stages &&
		    now_usec - t->demand_since_usec >= t->p.stage_delay_usec && t->obs.ta < aim &&
		    (t->free.ta[next] <= t->obs.ta || join_needed(t, now_usec, want, aim)))
			want++;
	}
	/*
	 * The hard stop: no heat from the model with the air far above the aim,
	 * whatever it predicts. It is wrong about the room: the fallback band
	 * decides until it explains the readings again (thermostat-learn.c).
	 */
	if (want > 0 && t->obs.ta > aim + THERMOSTAT_MODEL_HOT_C) {
		want = 0;
		t->model_trial = true;
	}
	if (want == t->demand)
		return;
	if (t->demand == 0) {
		if (t->have_last_on && t->last_off_usec > t->last_on_usec)
			t->duty += 0.2 * ((double) (t->last_off_usec - t->last_on_usec) /
					      (double) (now_usec - t->last_on_usec) -
					  t->duty);
		/* the cycle as it came against the one planned: plan the next ones longer
		 * or shorter, so that the relay clicks at the reference's rate */
		if (t->have_last_on && t->cycle_target_s > 0) {
			double r =
			    t->cycle_target_s / ((double) (now_usec - t->last_on_usec) / 1e6);

			t->cycle_gain *= pow(thermostat_clamp(r, 0.8, 1.25), 0.25);
			t->cycle_gain = thermostat_clamp(t->cycle_gain, 0.5, 2.5);
		}
		t->cycle_target_s = 0;
		t->ref_cycle_s = plan_reference_cycle_s(&t->obs, &t->plant, floor_c + REF_MID_C,
							REF_BAND_C, reading_s);
		t->have_last_on = true;
		t->last_on_usec = now_usec;
		switch_on(t, now_usec, turn);
	}
	if (want == 0)
		t->last_off_usec = now_usec;
	t->demand = want;
	t->demand_since_usec = now_usec;
}

bool thermostat_plan_preheat(struct thermostat *t, uint64_t until_usec, double floor_c)
{
	unsigned k = steps_of((double) until_usec / 1e6), next, early = steps_of(PREHEAT_EARLY_S);

	next = steps_of((double) t->p.reading_period_usec / 1e6);
	if (k + 1 >= PLAN_N)
		return false;
	if (k < next + early)
		return true;
	k -= early;
	plan_free_response(&t->obs, &t->plant, k + 1, &t->free);
	return t->free.ta[k] + t->step.ta[k - next] <
	       thermostat_model_floor(t, floor_c, true) + PREHEAT_MARGIN_C;
}
