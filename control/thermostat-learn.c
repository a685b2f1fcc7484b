/*
 * Learning the room: feeds the identification (thermostat-ident.c) and the
 * observer (thermostat-plant.c), fits every FIT_USEC, decides how sure the
 * model is, notices when the room clearly changed, and keeps and restores what
 * was learned (thermostat_model_get/set).
 *
 * How sure: the fit must rest on at least a day of readings (SURE_READINGS)
 * at most THERMOSTAT_SPARSE_READINGS_USEC apart on average, with SURE_ONS
 * switch-ons, and the heater's gain must be known to within a few per cent;
 * the model decides from sure >= 0.5 (half of that), before that the fallback
 * band decides (thermostat-floor.c) with the unlearned margin on top. A model
 * learned before (kept in the store) goes on deciding when readings come
 * further apart: with readings an hour apart it held the floor, the band not.
 *
 * The margin: after each model switch-on the reading's trough is compared with
 * the one predicted. Their mean error (model_margin_c) is aimed at in steady
 * heating. While the walls recover from a setback the errors scatter more (the
 * walls' state is less certain and the troughs follow one another faster): one
 * trough comes out much higher than predicted and the next much deeper, and the
 * mean, pulled to zero by the first, left the air up to 0.1 K below the floor
 * (timber-1500-oil10, Minneapolis, setback). There the aim is a high quantile of
 * the errors (model_margin_hi_c, an average that moves up four times faster than
 * down), at a fraction of a per cent of energy in setback and none in steady
 * heating.
 *
 * The room changed: a fit on the last eight hours alone (the short
 * accumulator) that puts the heater's gain more than CHANGE_GAIN apart, or its
 * total lag more than CHANGE_LAG, and explains those hours clearly better than
 * the model in use (residual below CHANGE_RSS of its) means a different heater
 * or room: what was learned is dropped, learning restarts from those hours and
 * the decision says so once (model_changed). So does a fit with the same gain
 * and lag that explains them far better (below CHANGE_RSS_ALIKE): a constant
 * heat gone wrong, which no gain or lag shows (a kept model 8 K/h off never
 * counted as changed). A right model leaves the short fit little to explain:
 * its residual is 0.9 of the model's or more once the fit has CHANGE_READINGS
 * readings; a wrong one 0.03 or less.
 *
 * On trial: a model restored from the store may no longer fit the room (a
 * heater swapped, the Pi moved, a damaged row): trusted as kept, one with the
 * heater 5 times too weak drove the room to the over-temperature cut-off 16
 * times in 6 h. It is kept, as sure as it was, but the fallback band decides
 * until the model explains the last hours about as well as their own fit does
 * (residual of that fit at least CHANGE_RSS of the model's, with TRIAL_READINGS
 * readings and TRIAL_ONS switch-ons behind it: 2 to 3 h of heating); one that
 * clearly does not is dropped as after a change. The plan puts a model on trial
 * too when it wants heat with the air far above the aim (thermostat-plan.c).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "control/thermostat-defaults.h"
#include "control/thermostat-internal.h"

#define FIT_USEC            (30 * USEC_PER_MIN)
#define SURE_READINGS       1440.0
#define SURE_ONS            16.0
#define CHANGE_GAIN         1.4
#define CHANGE_LAG          2.0
#define CHANGE_RSS          0.6
#define CHANGE_RSS_ALIKE    0.1
#define CHANGE_READINGS     240.0
#define TRIAL_READINGS      120.0
#define TRIAL_SPAN_S        (2 * 3600.0)
#define TRIAL_ONS           4.0
#define GAP_READINGS        3
#define RELEARN_USEC        (24 * 60 * USEC_PER_MIN)
#define NO_OUTDOOR_MEMORY_S (24 * 3600.0)
#define MARGIN_RATE         0.2  /* the mean error: of each trough */
#define MARGIN_HI_UP        0.2  /* the high quantile: of a trough deeper than it */
#define MARGIN_HI_DOWN      0.05 /* of a trough shallower than it */
#define OBS_LOST_C          2.0  /* a reading this far from the filter's: start it again */
/*
 * Readings outside these teach nothing: the daemon's checks keep them out, but
 * the library takes any finite number (tools/thermostat-cil reads a pipe), and
 * one reading of -1e9 made sums no later reading could outweigh: the heater
 * swapped for a weaker one was never noticed, the room 7 hours below the floor.
 */
#define LEARN_MIN_C (-60.0)
#define LEARN_MAX_C 100.0

void thermostat_learn_init(struct thermostat *t)
{
	ident_init(&t->ident);
	t->long_memory_s = t->ident.lng.memory_s;
	t->obs = (struct observer){ .ok = false, .out_c = NAN };
	t->plant.ok = false;
	t->ref_cycle_s = NAN;
	t->cycle_gain = 1.0;
}

static double ramp(double v, double lo, double hi)
{
	return thermostat_clamp((v - lo) / (hi - lo), 0, 1);
}

static double fit_sure(const struct ident_fit *f)
{
	double rel = f->theta[0] > 0 ? f->g_sd / f->theta[0] : INFINITY;

	/* readings too far apart on average: never sure */
	if (!(f->n > 0 && f->span_s / f->n <= (double) THERMOSTAT_SPARSE_READINGS_USEC / 1e6))
		return 0;
	return fmin(fmin(ramp(f->n, 0, SURE_READINGS), ramp(f->ons, 0, SURE_ONS)),
		    1 - ramp(rel, 0.02, 0.1));
}

static void use_plant(struct thermostat *t, const struct plant *pl)
{
	t->plant = *pl;
	plan_step_response(&t->plant, PLAN_N, &t->step);
}

/* The candidate of the grid nearest to the plant in use, to weigh it on the accumulators. */
static void nearest_candidate(const struct plant *pl, unsigned *ret_lag, unsigned *ret_mass)
{
	double best = INFINITY;

	*ret_lag = *ret_mass = 0;
	for (unsigned j = 0; j < IDENT_N_LAG; j++) {
		double d = fabs(log((ident_lag_long_s(j) + 30) / (pl->lag_long_s + 30))) +
			   fabs(log((ident_lag_short_s(j) + 30) / (pl->lag_short_s + 30)));

		if (d < best) {
			best = d;
			*ret_lag = j;
		}
	}
	best = INFINITY;
	for (unsigned i = 0; i + 1 < IDENT_N_MASS; i++) {
		double d = fabs(log(ident_mass_tau_s(i) / pl->walls_tau_s[0])) +
			   fabs(log(ident_mass_tau_s(i + 1) / pl->walls_tau_s[1]));

		if (d < best) {
			best = d;
			*ret_mass = i;
		}
	}
}

/* The residual of the model in use on the short accumulator (the last hours). */
static double plant_rss(const struct thermostat *t)
{
	const struct plant *pl = &t->plant;
	double theta[IDENT_N_PAR] = { pl->g,     pl->c2[0], pl->c2[1], pl->c3[0],
				      pl->c3[1], pl->c1,    pl->c0 };
	unsigned lag, mass;

	nearest_candidate(pl, &lag, &mass);
	return ident_rss(&t->ident.shrt, lag, mass, theta);
}

static bool changed(const struct thermostat *t, const struct ident_fit *f)
{
	const struct plant *pl = &t->plant;
	double lag_new = ident_lag_long_s(f->lag) + ident_lag_short_s(f->lag);
	double lag_old = pl->lag_long_s + pl->lag_short_s, r_g, r_l;

	/* without the outdoor temperature both fits are rougher: ask for more */
	double k = t->ident.out_seen ? 1 : 2, cg = pow(CHANGE_GAIN, k), cl = pow(CHANGE_LAG, k);

	if (!pl->ok || pl->sure < 0.5 || t->model_trial || f->ons < 4 || f->n < CHANGE_READINGS ||
	    !(f->theta[0] > 0))
		return false;
	r_g = f->theta[0] / pl->g;
	r_l = (lag_new + 60) / (lag_old + 60);
	if (r_g < cg && r_g > 1 / cg && r_l < cl && r_l > 1 / cl)
		return f->rss < CHANGE_RSS_ALIKE * plant_rss(t);
	return f->rss < CHANGE_RSS * plant_rss(t);
}

enum trial_verdict {
	TRIAL_WAIT,
	TRIAL_PASSED,
	TRIAL_FAILED,
};

/*
 * Whether the short fit @f can never hold CHANGE_READINGS: readings further
 * apart than 2 minutes (a Tasmota's TelePeriod is 5), which its memory of 8 h
 * forgets faster than they come. Judged on so few, a right model's residual
 * came out above a fit's that follows the noise, and a right model was dropped.
 */
static bool too_few(const struct thermostat *t, const struct ident_fit *f)
{
	double dt = f->n > 0 ? f->span_s / f->n : 0;

	return dt > 0 && 1 / (1 - exp(-dt / t->ident.shrt.memory_s)) < CHANGE_READINGS;
}

/*
 * The model on trial against the short fit @f: see the top of the file. With
 * readings too far apart to judge it, it is trusted after TRIAL_SPAN_S, as a
 * kept model was before trials (the hard stop of thermostat-plan.c stays).
 */
static enum trial_verdict trial(const struct thermostat *t, const struct ident_fit *f)
{
	if (!t->plant.ok || f->ons < TRIAL_ONS || !(f->theta[0] > 0))
		return TRIAL_WAIT;
	if (too_few(t, f))
		return f->span_s >= TRIAL_SPAN_S ? TRIAL_PASSED : TRIAL_WAIT;
	if (f->n < TRIAL_READINGS)
		return TRIAL_WAIT;
	if (f->rss >= CHANGE_RSS * plant_rss(t))
		return TRIAL_PASSED;
	return f->n >= CHANGE_READINGS ? TRIAL_FAILED : TRIAL_WAIT;
}

/* What was learned is dropped: learning restarts from the last hours (@fs, their fit). */
static void relearn(struct thermostat *t, const struct ident_fit *fs, uint64_t now_usec)
{
	struct plant pl;

	t->model_changed = true;
	t->model_trial = false;
	/* relearn from the recent hours, forgetting as fast as the short fit for a day */
	t->ident.lng = t->ident.shrt;
	t->relearn_until_usec = now_usec + RELEARN_USEC;
	t->model_margin_c = 0;
	t->model_margin_hi_c = 0;
	plant_from_fit(&pl, fs, fmin(fit_sure(fs), 0.3));
	use_plant(t, &pl);
}

static void fit(struct thermostat *t, uint64_t now_usec)
{
	struct ident_fit f, fs;
	double sure;

	if (t->relearn_until_usec && now_usec >= t->relearn_until_usec) {
		t->relearn_until_usec = 0;
		t->ident.lng.memory_s = t->long_memory_s;
	}
	/*
	 * Without an outdoor temperature the constant term stands in for it: a
	 * shorter memory lets it follow the weather.
	 */
	if (!t->ident.out_seen && !t->relearn_until_usec)
		t->ident.lng.memory_s = fmin(t->long_memory_s, NO_OUTDOOR_MEMORY_S);
	if (!ident_fit(&t->ident.lng, &f))
		return;
	if (ident_fit(&t->ident.shrt, &fs)) {
		enum trial_verdict v = t->model_trial ? trial(t, &fs) : TRIAL_WAIT;

		if (v == TRIAL_PASSED)
			t->model_trial = false;
		if (v == TRIAL_FAILED || changed(t, &fs)) {
			relearn(t, &fs, now_usec);
			return;
		}
	}
	sure = fit_sure(&f);
	if (sure >= 0.5 || !t->plant.ok || sure >= t->plant.sure) {
		struct plant pl;

		plant_from_fit(&pl, &f, sure);
		use_plant(t, &pl);
	}
}

void thermostat_margin_learn(double err_c, double *mean_c, double *hi_c)
{
	double err = thermostat_clamp(err_c, -0.5, 0.5);

	*mean_c = thermostat_clamp(*mean_c + MARGIN_RATE * (err - *mean_c), 0, 0.5);
	*hi_c += (err > *hi_c ? MARGIN_HI_UP : MARGIN_HI_DOWN) * (err - *hi_c);
	*hi_c = thermostat_clamp(*hi_c, 0, 0.5);
}

/* After a model switch-on: how much deeper the reading's trough came than predicted. */
static void watch_trough(struct thermostat *t, uint64_t now_usec, double y_c)
{
	double avg;

	if (!t->watch)
		return;
	avg = isfinite(t->watch_last_c) ? 0.5 * (y_c + t->watch_last_c) : y_c;
	t->watch_last_c = y_c;
	t->watch_min_c = fmin(t->watch_min_c, avg);
	if (now_usec < t->watch_until_usec)
		return;
	t->watch = false;
	thermostat_margin_learn(t->watch_pred_c - t->watch_min_c, &t->model_margin_c,
				&t->model_margin_hi_c);
}

void thermostat_learn_step(struct thermostat *t, const struct thermostat_input *in,
			   uint64_t now_usec, bool fresh_reading, bool learn)
{
	double out_c = in->outdoor_known && isfinite(in->outdoor_c) ? in->outdoor_c : NAN;

	t->model_changed = false;
	ident_input(&t->ident, now_usec, t->ident.next_u);
	if (fresh_reading && in->room_usec >= t->obs.t_usec && in->room_c > LEARN_MIN_C &&
	    in->room_c < LEARN_MAX_C) {
		uint64_t gap = GAP_READINGS * t->p.reading_period_usec;
		bool tracking = t->plant.ok && t->obs.ok && in->room_usec - t->obs.t_usec <= gap;

		ident_reading(&t->ident, in->room_usec, in->room_c, out_c, learn);
		if (tracking)
			observer_advance(&t->obs, &t->plant, in->room_usec);
		/*
		 * A reading OBS_LOST_C or more from what the filter expects is not
		 * noise (a sensor's glitch, one swapped): taken in by a fifth a
		 * reading it held the air 4 K too warm for minutes after one 85 C
		 * reading, the room below the floor. Start again from it, as after a
		 * gap; a glitch's next reading starts it back.
		 */
		if (tracking && fabs(in->room_c - t->obs.ts) < OBS_LOST_C) {
			observer_update(&t->obs, &t->plant, in->room_c, out_c);
		} else {
			t->obs.out_c = isfinite(out_c) ? out_c : t->obs.out_c;
			observer_start(&t->obs, in->room_usec, in->room_c, t->ident.next_u);
		}
		watch_trough(t, in->room_usec, in->room_c);
		if (now_usec >= t->next_fit_usec) {
			t->next_fit_usec = now_usec + FIT_USEC;
			fit(t, now_usec);
		}
	}
	if (t->plant.ok && t->obs.ok)
		observer_advance(&t->obs, &t->plant, now_usec);
}

void thermostat_learn_input(struct thermostat *t, uint64_t now_usec, double u)
{
	if (u == t->ident.next_u)
		return;
	ident_input(&t->ident, now_usec, u);
	if (t->obs.ok)
		observer_input(&t->obs, u);
}

bool thermostat_model_ready(const struct thermostat *t)
{
	return t->plant.ok && t->plant.sure >= 0.5 && !t->model_trial && t->obs.ok;
}

double thermostat_model_floor(const struct thermostat *t, double floor_c, bool recovery)
{
	double m = recovery ? fmax(t->model_margin_c, t->model_margin_hi_c) : t->model_margin_c;

	return floor_c + t->p.margin_c + m;
}

int thermostat_model_get(const struct thermostat *t, struct thermostat_model *ret)
{
	struct thermostat_model m;
	struct plant check;

	if (!t->plant.ok)
		return -ENODATA;
	plant_to_model(&t->plant, t->model_margin_c, &m);
	/*
	 * An early fit on data that cannot tell it (the heater never on yet: its
	 * gain comes out 0) is out of the range thermostat_model_set() takes:
	 * kept, it would be refused at the next start. Not worth keeping yet.
	 */
	if (!plant_from_model(&check, &m))
		return -ENODATA;
	*ret = m;
	return 0;
}

int thermostat_model_set(struct thermostat *t, const struct thermostat_model *m)
{
	struct plant pl;

	if (m->version != THERMOSTAT_MODEL_VERSION)
		return -ESTALE;
	if (!plant_from_model(&pl, m))
		return -EINVAL;
	use_plant(t, &pl);
	t->model_margin_c = m->margin_c;
	/* not kept: the worse troughs' margin starts from the mean and learns again */
	t->model_margin_hi_c = m->margin_c;
	/* it may no longer fit the room: it decides once the readings bear it out */
	t->model_trial = true;
	return 0;
}

void thermostat_model_trust(struct thermostat *t)
{
	t->model_trial = false;
}
