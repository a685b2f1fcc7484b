/*
 * The thermostat. How it works, in short (docs/benchmarks.md has the numbers):
 *
 * It learns the room (thermostat-learn.c): a grey-box model of air, walls,
 * lagged heater and lagged sensor is identified online from its own history
 * (thermostat-ident.c), a Kalman filter on it tracks the true air
 * (thermostat-plant.c), and once the model is sure the decisions and the
 * pre-heat are planned on it (thermostat-plan.c). Until then, and whenever the
 * room clearly changed, the hysteresis band below decides, unlearned_margin
 * higher. Relay care, staging and every fail-safe apply to both alike.
 *
 * The fallback band, estimating the true air. The sensor lags the air by a first-order time
 * constant tau (120 s for a DS18B20 in its housing) and reads in 1/16 °C steps.
 * A least-squares line through the last four readings gives a level L and a
 * slope S; since T_air = T_sensor + tau * dT_sensor/dt for a first-order lag,
 * the estimate is L + tau * S. Fitting four readings rather than differencing two
 * keeps the quantisation noise of the estimate near 0.02 °C.
 *
 * Floor control (thermostat-floor.c): a hysteresis on that estimate, both
 * switching points above the floor and learned from the troughs and from the
 * cycle length, the target cycle following the measured duty; a longer switch-on
 * look-ahead while the walls recover from a setback.
 *
 * Pre-heat (thermostat-preheat.c): with no day floor, the night floor is brought
 * forward by a lead in two parts, a quick one for the air and a slow one for the
 * walls (scaled by the outdoor temperature), each learned night by night.
 *
 * Staging. Stage 1 joins when stage 0 has run stage_delay and the room is still
 * below the on-point and not rising; it leaves at half the band. A stage locked
 * out by its own safety state hands its place to the next one.
 *
 * Fail safe, each with its alert raised once and cleared on recovery: stale or
 * missing readings (off, or a bounded fallback duty cycle if configured),
 * over-temperature cut-off (here); maximum continuous on-time and heating without
 * effect, per stage (thermostat-safety.c).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "control/thermostat-defaults.h"
#include "control/thermostat-internal.h"

#define FIT_POINTS 4
/*
 * The band looks ahead along readings at most this far apart (thermostat-floor.c):
 * 5 or 10 minutes (zigbee2mqtt's and Tasmota's usual periods), with a margin for
 * jitter. Along readings 12 to 60 minutes apart it overheated the room more often
 * than it saved it: the change across such an interval says little of where the
 * room goes next.
 */
#define SPARSE_SLOPE_MAX_USEC (11 * USEC_PER_MIN)

/* A floor this much lower than the last step's was turned down (not rounding). */
#define FLOOR_LOWERED_C 0.05

void thermostat_params_init(struct thermostat_params *p)
{
	*p = (struct thermostat_params){
		.n_stages = 1,
		.min_on_usec = THERMOSTAT_DEFAULT_MIN_ON_USEC,
		.min_off_usec = THERMOSTAT_DEFAULT_MIN_OFF_USEC,
		.bed_min_on_usec = 300 * USEC_PER_SEC,
		.bed_min_off_usec = 600 * USEC_PER_SEC,
		.bed_band_factor = 1.3,
		.max_on_usec = THERMOSTAT_DEFAULT_MAX_ON_USEC,
		.max_on_rest_usec = 15 * USEC_PER_MIN,
		.overheat_c = THERMOSTAT_DEFAULT_OVERHEAT_C,
		.overheat_hysteresis_c = THERMOSTAT_OVERHEAT_HYSTERESIS_C,
		.stale_usec = 300 * USEC_PER_SEC,
		.first_reading_usec = 10 * USEC_PER_MIN,
		.fallback_duty = THERMOSTAT_DEFAULT_FALLBACK_DUTY,
		.fallback_period_usec = 30 * USEC_PER_MIN,
		.no_effect_usec = THERMOSTAT_DEFAULT_NO_EFFECT_USEC,
		.no_effect_rise_c = 0.3,
		.no_effect_power_w = THERMOSTAT_DEFAULT_NO_EFFECT_POWER_W,
		.no_effect_power_usec = THERMOSTAT_DEFAULT_NO_EFFECT_POWER_USEC,
		.no_effect_backoff_usec = 30 * USEC_PER_MIN,
		.no_effect_backoff_max_usec = 4 * 60 * USEC_PER_MIN,
		.sensor_lag_usec = 120 * USEC_PER_SEC,
		.reading_period_usec = 60 * USEC_PER_SEC,
		.margin_c = 0.08,
		.band_c = 1.0,
		.cycle_usec = 1060 * USEC_PER_SEC,
		.stage_delay_usec = 15 * USEC_PER_MIN,
		.preheat_max_usec = THERMOSTAT_DEFAULT_PREHEAT_MAX_USEC,
		.preheat_usec_per_k = 20.0 * USEC_PER_MIN,
		.unlearned_margin_c = 0.3,
	};
}

void thermostat_input_init(struct thermostat_input *in)
{
	*in = (struct thermostat_input){
		.mode = THERMOSTAT_MODE_HEAT,
		.floor_c = 18.0,
		.day_floor_enabled = false,
		.day_floor_c = 16.0,
		.night_start_min = 22 * 60,
		.night_end_min = 7 * 60,
		.room_known = false,
		.room_c = NAN,
		.outdoor_known = false,
		.outdoor_c = NAN,
		.jump_held_c = NAN,
		.bed = THERMOSTAT_BED_UNKNOWN,
	};
}

int thermostat_new(const struct thermostat_params *p, struct thermostat **ret)
{
	struct thermostat *t;

	if (p->n_stages < 1 || p->n_stages > THERMOSTAT_STAGES_MAX)
		return -EINVAL;
	if (!(p->fallback_duty >= 0 && p->fallback_duty <= 0.5) || p->fallback_period_usec == 0)
		return -EINVAL;
	if (!(p->band_c > 0) || !(p->bed_band_factor >= 1) || p->cycle_usec == 0 ||
	    p->reading_period_usec == 0 || p->stale_usec == 0 || p->max_on_usec == 0)
		return -EINVAL;
	if (!isfinite(p->overheat_c) || !(p->margin_c >= 0) || !(p->preheat_usec_per_k >= 0) ||
	    !(p->unlearned_margin_c >= 0 && p->unlearned_margin_c <= 2))
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->p = *p;
	thermostat_estimate_reset(&t->est);
	t->band_c = p->band_c;
	t->on_offset_c = p->margin_c + 0.15;
	t->last_floor_c = NAN;
	thermostat_preheat_init(t);
	t->duty = 0.5;
	t->max_rise_k = NAN;
	thermostat_learn_init(t);
	*ret = t;
	return 0;
}

struct thermostat *thermostat_free(struct thermostat *t)
{
	free(t);
	return NULL;
}

void thermostat_sensor_changed(struct thermostat *t, uint64_t now_usec)
{
	if (!t->started)
		return; /* the first step starts the wait */
	t->had_fresh = false;
	t->sensor_since_usec = now_usec > t->last_now_usec ? now_usec : t->last_now_usec;
}

void thermostat_get_learned(const struct thermostat *t, struct thermostat_learned *ret)
{
	const struct plant *pl = &t->plant;
	double ka = plant_air_rate(pl), walls = ka - pl->c1, walls_tau = 0;

	for (unsigned k = 0; k < PLANT_WALLS; k++)
		walls_tau += walls > 0 ? (pl->c2[k] + pl->c3[k]) / walls * pl->walls_tau_s[k] : 0;
	*ret = (struct thermostat_learned){
		.band_c = t->band_c,
		.on_offset_c = t->on_offset_c,
		.preheat_usec_per_k = t->preheat_usec_per_k,
		.duty = t->duty,
		.max_rise_k = pl->ok ? plant_max_rise_k(pl) : t->max_rise_k,
		.heater_gain_k_per_h = pl->ok ? pl->g * 3600 : NAN,
		.heater_lag_s = pl->ok ? pl->heater_lag_s : NAN,
		.sensor_lag_s = pl->ok ? pl->sensor_lag_s : NAN,
		.room_tau_s = pl->ok && ka > 0 ? 1 / ka : NAN,
		.walls_tau_s = pl->ok ? walls_tau : NAN,
		.sure = pl->ok ? pl->sure : 0,
		.model_in_use = thermostat_model_ready(t),
		.on_trial = pl->ok && t->model_trial,
		.margin_c = t->p.margin_c + t->model_margin_c,
	};
}

/*
 * Heaters that are really on (not confirmed off, not drawing nothing), for the
 * model. What a plug said before this step switched it on (off, 0 W) is no
 * answer to the switch: it counts from the next step (the daemon says nothing
 * until the plug answers: heating_fill_inputs()). Counted then, each
 * on-period was learned a step short (the daemon steps at readings, not at the
 * plug's answer), and a heater's gain 50 % high with readings a minute apart.
 */
static double heaters_on(const struct thermostat *t, const struct thermostat_input *in,
			 uint64_t now_usec)
{
	double u = 0;

	for (unsigned i = 0; i < t->p.n_stages; i++) {
		const struct thermostat_heater_input *h = &in->heater[i];
		const struct thermostat_stage *s = &t->stage[i];

		if (!s->on)
			continue;
		if (s->changed_usec < now_usec &&
		    (h->confirmed == THERMOSTAT_CONFIRM_OFF ||
		     (h->power_known && h->power_w < t->p.no_effect_power_w)))
			continue;
		u += 1;
	}
	return u;
}

/* Learn only while every heater does as it is told. */
static bool learning_ok(const struct thermostat *t, const struct thermostat_input *in,
			uint64_t now_usec)
{
	for (unsigned i = 0; i < t->p.n_stages; i++)
		if (now_usec < t->stage[i].lockout_until_usec || in->heater[i].unavailable ||
		    (t->stage[i].alerts & THERMOSTAT_ALERT_BIT(THERMOSTAT_ALERT_HEATING_NO_EFFECT)))
			return false;
	return true;
}

const char *thermostat_alert_to_string(enum thermostat_alert a)
{
	switch (a) {
	case THERMOSTAT_ALERT_SENSOR_STALE:
		return "sensor_stale";
	case THERMOSTAT_ALERT_OVER_TEMPERATURE:
		return "over_temperature";
	case THERMOSTAT_ALERT_HEATING_NO_EFFECT:
		return "heating_no_effect";
	case THERMOSTAT_ALERT_MAX_ON_TIME:
		return "max_on_time";
	case _THERMOSTAT_ALERT_MAX:
		break;
	}
	return NULL;
}

const char *thermostat_reason_to_string(enum thermostat_reason r)
{
	switch (r) {
	case THERMOSTAT_REASON_MODE_OFF:
		return "mode_off";
	case THERMOSTAT_REASON_NO_FLOOR:
		return "no_floor";
	case THERMOSTAT_REASON_IDLE:
		return "idle";
	case THERMOSTAT_REASON_HEATING:
		return "heating";
	case THERMOSTAT_REASON_PREHEAT:
		return "preheat";
	case THERMOSTAT_REASON_MIN_ON:
		return "min_on";
	case THERMOSTAT_REASON_MIN_OFF:
		return "min_off";
	case THERMOSTAT_REASON_SENSOR_STALE:
		return "sensor_stale";
	case THERMOSTAT_REASON_NO_READING_YET:
		return "no_reading_yet";
	case THERMOSTAT_REASON_FALLBACK_DUTY:
		return "fallback_duty";
	case THERMOSTAT_REASON_OVER_TEMPERATURE:
		return "over_temperature";
	case THERMOSTAT_REASON_MAX_ON_TIME:
		return "max_on_time";
	case THERMOSTAT_REASON_NO_EFFECT:
		return "no_effect";
	}
	return NULL;
}

bool thermostat_in_window(unsigned sec_of_day, unsigned start_min, unsigned end_min)
{
	unsigned m = sec_of_day / 60;

	if (start_min == end_min)
		return false;
	if (start_min < end_min)
		return m >= start_min && m < end_min;
	return m >= start_min || m < end_min;
}

uint64_t thermostat_min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

double thermostat_clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Seconds from @sec_of_day until the window opens at @start_min (0 if it is that minute). */
static unsigned sec_until(unsigned sec_of_day, unsigned start_min)
{
	return (start_min * 60 + 86400 - sec_of_day) % 86400;
}

int thermostat_step(struct thermostat *t, const struct thermostat_input *in, uint64_t now_usec,
		    unsigned local_sec_of_day, struct thermostat_decision *ret)
{
	struct thermostat_decision d = { .n_stages = t->p.n_stages,
					 .floor_c = NAN,
					 .estimate_c = NAN };
	unsigned old_alerts = t->alerts, old_stage_alerts[THERMOSTAT_STAGES_MAX] = { 0 };
	bool fresh, fresh_reading = false, night, floor_active, in_bed, forced = false, model;
	bool stale, fallback = false, held_hot;
	double floor_c = NAN, est_c = NAN, slope = 0, reading_c = NAN;
	double outdoor_c = in->outdoor_known && isfinite(in->outdoor_c) ? in->outdoor_c : NAN;
	uint64_t wake = UINT64_MAX; /* what is due sets it: no tick while nothing is */
	uint64_t stale_wait;
	unsigned want = 0, assigned = 0;
	enum thermostat_reason want_reason = THERMOSTAT_REASON_IDLE;

	if (local_sec_of_day >= 86400 || in->night_start_min >= 1440 || in->night_end_min >= 1440)
		return -EINVAL;
	if (t->started && now_usec < t->last_now_usec)
		return -EINVAL;
	if (!t->started) {
		t->started = true;
		t->sensor_since_usec = now_usec;
	}
	t->last_now_usec = now_usec;
	thermostat_sparse_note_switch(t);
	for (unsigned i = 0; i < t->p.n_stages; i++)
		old_stage_alerts[i] = t->stage[i].alerts;
	/*
	 * Mode off, then heat (from Home Assistant): the person's "I fixed it,
	 * try again". A heater resting after heating without effect (its own
	 * switch was off, a plug that draws nothing) may rest up to 4 hours, and
	 * nothing else can tell it is mended while it is off (a safety audit:
	 * 128 minutes below the floor after the heater worked again). Its rest
	 * ends now; if it still has no effect, it is found again.
	 */
	if (t->have_mode && t->last_mode == THERMOSTAT_MODE_OFF && in->mode == THERMOSTAT_MODE_HEAT)
		for (unsigned i = 0; i < t->p.n_stages; i++) {
			struct thermostat_stage *s = &t->stage[i];

			if (s->lockout_reason != THERMOSTAT_REASON_NO_EFFECT ||
			    now_usec >= s->lockout_until_usec)
				continue;
			s->lockout_until_usec = now_usec;
			s->no_effect_count = 0;
			thermostat_set_alert(&s->alerts, THERMOSTAT_ALERT_HEATING_NO_EFFECT, false);
		}
	t->have_mode = true;
	t->last_mode = in->mode;

	/* The reading: fresh, new, and into the estimator. */
	fresh = in->room_known && isfinite(in->room_c) && in->room_usec <= now_usec &&
		now_usec - in->room_usec <= t->p.stale_usec;
	if (fresh) {
		t->had_fresh = true;
		/*
		 * A reading older than the last one is another thermometer's: the room
		 * fell back to it when the one before went stale (it keeps its own
		 * time, room-sensors.h). The estimate starts again from it; the
		 * model's observer takes the next newer one (thermostat-learn.c).
		 */
		if (t->have_reading && in->room_usec < t->last_reading_usec) {
			thermostat_estimate_reset(&t->est);
			t->have_reading = false;
		}
		if (!t->have_reading || in->room_usec > t->last_reading_usec) {
			uint64_t gap = in->room_usec - t->last_reading_usec;

			t->sparse_period_usec = 0;
			if (t->have_reading && gap > 3 * t->p.reading_period_usec) {
				thermostat_estimate_reset(&t->est);
				/* over a longer gap the change says nothing of where the room goes
				 */
				if (gap <= t->p.stale_usec && gap <= SPARSE_SLOPE_MAX_USEC) {
					t->sparse_period_usec = gap;
					t->sparse_slope =
					    (in->room_c - t->last_reading_c) / ((double) gap / 1e6);
					thermostat_sparse_learn(t, t->last_reading_usec,
								t->last_reading_c, in->room_usec,
								in->room_c);
				}
			}
			thermostat_estimate_add(&t->est, in->room_usec, in->room_c);
			t->have_reading = true;
			t->last_reading_usec = in->room_usec;
			t->last_reading_c = in->room_c;
			fresh_reading = true;
		}
		reading_c = in->room_c;
		if (thermostat_estimate_fit(
			&t->est, 4 * t->p.reading_period_usec + USEC_PER_MIN / 2, FIT_POINTS,
			thermostat_room_span_usec(t), &est_c, &slope) >= 0)
			est_c += slope * (double) t->p.sensor_lag_usec / 1e6;
		/* too far apart for a fit: the slope across the last interval */
		if (t->sparse_period_usec > 0)
			slope = t->sparse_slope;
		/* The plan looks again by the next reading's time, and at staleness. */
		wake = thermostat_min_u64(wake, now_usec + t->p.reading_period_usec);
		wake = thermostat_min_u64(wake, in->room_usec + t->p.stale_usec + 1);
	} else {
		thermostat_estimate_reset(&t->est);
		t->have_reading = false;
	}
	thermostat_learn_step(t, in, now_usec, fresh_reading, learning_ok(t, in, now_usec));
	d.model_changed = t->model_changed;
	model = fresh && thermostat_model_ready(t);
	d.estimate_c = model ? t->obs.ta : est_c;

	/*
	 * Room-wide alerts. Stale: no fresh reading stale_usec after start or after
	 * the thermometer changed; once raised it holds until a fresh reading, a
	 * thermometer change included (the room is no less unknown for it). Before
	 * the first reading, first_reading_usec if sooner: an MQTT thermometer's
	 * stale_after is an hour, and a misspelled topic would leave the room
	 * unheated that long before the phone heard of it.
	 */
	stale_wait = t->p.stale_usec;
	if (!t->had_fresh && t->p.first_reading_usec < stale_wait)
		stale_wait = t->p.first_reading_usec;
	stale = !fresh && (now_usec - t->sensor_since_usec >= stale_wait ||
			   (t->alerts & THERMOSTAT_ALERT_BIT(THERMOSTAT_ALERT_SENSOR_STALE)));
	thermostat_set_alert(&t->alerts, THERMOSTAT_ALERT_SENSOR_STALE, stale);
	/* Without a reading nothing changes until the sensor is stale, or one comes. */
	if (!fresh && !stale)
		wake = thermostat_min_u64(wake, t->sensor_since_usec + stale_wait);
	/* A reading held back as a jump counts here: a room on fire is not waited out. */
	held_hot = isfinite(in->jump_held_c) && in->jump_held_c >= t->p.overheat_c;
	if (held_hot || (fresh && in->room_c >= t->p.overheat_c))
		thermostat_set_alert(&t->alerts, THERMOSTAT_ALERT_OVER_TEMPERATURE, true);
	else if (fresh && in->room_c < t->p.overheat_c - t->p.overheat_hysteresis_c)
		thermostat_set_alert(&t->alerts, THERMOSTAT_ALERT_OVER_TEMPERATURE, false);

	/* Which floor holds now: night, day, or the night's brought forward (pre-heat). */
	night = thermostat_in_window(local_sec_of_day, in->night_start_min, in->night_end_min);
	if (night && !t->was_night) {
		if (t->preheat_used)
			thermostat_preheat_judge_start(t, now_usec, t->preheat_walls);
		t->preheat = false;
		t->preheat_used = false;
	}
	t->was_night = night;
	/* Awake at the window's next edge, not up to a reading period after it. */
	if (in->night_start_min != in->night_end_min) {
		unsigned edge = (night ? in->night_end_min : in->night_start_min) * 60;
		unsigned until = (edge + 86400 - local_sec_of_day) % 86400;

		wake = thermostat_min_u64(wake, now_usec + (uint64_t) (until ? until : 86400) *
							       USEC_PER_SEC);
	}
	if (night)
		floor_c = in->floor_c;
	else if (in->day_floor_enabled)
		floor_c = in->day_floor_c;
	t->preheat_end_usec = 0; /* set below while pre-heating */
	if (!night && (!in->day_floor_enabled || in->day_floor_c < in->floor_c)) {
		uint64_t until_usec =
		    (uint64_t) sec_until(local_sec_of_day, in->night_start_min) * USEC_PER_SEC;
		bool walls = false;

		/*
		 * A pre-heat is for the night ahead: the clock stepped back hours, or
		 * past the night, leaves it further off than any pre-heat starts.
		 */
		if (t->preheat && until_usec > t->p.preheat_max_usec) {
			t->preheat = false;
			t->preheat_used = false;
		}
		if (!t->preheat && fresh && until_usec <= t->p.preheat_max_usec &&
		    (model ? thermostat_plan_preheat(t, until_usec, in->floor_c)
			   : until_usec <= thermostat_preheat_lead_usec(t, in->floor_c, in->room_c,
									outdoor_c, &walls))) {
			t->preheat = true;
			t->preheat_walls = walls;
		}
		if (t->preheat) {
			t->preheat_end_usec = now_usec + until_usec;
			floor_c = in->floor_c;
			want_reason = THERMOSTAT_REASON_PREHEAT;
			t->preheat_used = true;
		}
	}
	floor_active = isfinite(floor_c) && in->mode == THERMOSTAT_MODE_HEAT;
	d.floor_c = floor_active ? floor_c : NAN;
	in_bed = night && in->bed == THERMOSTAT_BED_OCCUPIED;

	thermostat_learn_trough(t, now_usec, floor_c, fresh_reading);
	thermostat_learn_preheat(t, now_usec, in->floor_c, est_c);

	/* What the room wants. */
	if (!floor_active || !fresh) {
		if (t->demand > 0)
			t->demand_since_usec = now_usec;
		t->demand = 0;
		t->have_last_on = false;
		if (t->floor_was_active)
			thermostat_floor_pause(t, now_usec);
	} else {
		if (!t->floor_was_active)
			thermostat_floor_resume(t, now_usec, floor_c - est_c);
		/*
		 * A floor turned down (from Home Assistant, or the night is over) while
		 * heating: the top of the old band is no longer wanted; the fallback
		 * band stops at the new on-point. (The plan sees the room coast above
		 * the new floor by itself.)
		 */
		if (t->demand > 0 && floor_c < t->last_floor_c - FLOOR_LOWERED_C)
			t->floor_lowered = true;
		if (model)
			thermostat_plan_control(t, now_usec, floor_c, in_bed);
		else if (t->demand == 0)
			t->model_rise_c = 0; /* the fallback band's switch-ons: the plain rule */
		if (!model)
			thermostat_floor_control(t, now_usec, floor_c + t->p.unlearned_margin_c,
						 est_c, slope, in_bed, outdoor_c);
	}
	if (t->demand == 0)
		t->floor_lowered = false;
	t->last_floor_c = floor_active ? floor_c : NAN;
	t->floor_was_active = floor_active && fresh;
	want = t->demand;

	if (in->mode == THERMOSTAT_MODE_OFF) {
		d.reason = THERMOSTAT_REASON_MODE_OFF;
		forced = true;
	} else if (t->alerts & THERMOSTAT_ALERT_BIT(THERMOSTAT_ALERT_OVER_TEMPERATURE)) {
		d.reason = THERMOSTAT_REASON_OVER_TEMPERATURE;
		forced = true;
	} else if (!fresh) {
		uint64_t period = t->p.fallback_period_usec;
		uint64_t on_usec = (uint64_t) (t->p.fallback_duty * (double) period);
		uint64_t phase = now_usec % period;

		d.reason = !t->had_fresh && !stale ? THERMOSTAT_REASON_NO_READING_YET
						   : THERMOSTAT_REASON_SENSOR_STALE;
		forced = true;
		if (on_usec > 0 && isfinite(floor_c) && stale) {
			/*
			 * The duty cycle's own switching keeps relay care: a phase
			 * shorter than min_on or min_off is lengthened (the sensor
			 * going stale 50 s before an off-phase once gave 50 s on).
			 * Only the switch-off as the sensor goes stale is forced.
			 */
			forced = !t->fallback_was;
			fallback = true;
			d.reason = THERMOSTAT_REASON_FALLBACK_DUTY;
			want = phase < on_usec ? 1 : 0;
			want_reason = THERMOSTAT_REASON_FALLBACK_DUTY;
			wake = thermostat_min_u64(wake, now_usec - phase +
							    (phase < on_usec ? on_usec : period));
		}
	} else if (!floor_active) {
		d.reason = THERMOSTAT_REASON_NO_FLOOR;
	} else {
		d.reason = want > 0 ? (want_reason == THERMOSTAT_REASON_PREHEAT
					   ? THERMOSTAT_REASON_PREHEAT
					   : THERMOSTAT_REASON_HEATING)
				    : THERMOSTAT_REASON_IDLE;
		if (want_reason != THERMOSTAT_REASON_PREHEAT)
			want_reason = THERMOSTAT_REASON_HEATING;
	}
	if (d.reason == THERMOSTAT_REASON_MODE_OFF ||
	    d.reason == THERMOSTAT_REASON_OVER_TEMPERATURE)
		want = 0;
	t->fallback_was = fallback;

	/* Stages: safety first, then the demand to the first available ones, then relay care. */
	for (unsigned i = 0; i < t->p.n_stages; i++) {
		struct thermostat_stage *s = &t->stage[i];
		struct thermostat_stage_decision *sd = &d.stage[i];
		uint64_t min_on = thermostat_min_on_usec(t, in_bed);
		uint64_t min_off = thermostat_min_off_usec(t, in_bed);
		bool locked;

		thermostat_stage_rest_over(s, now_usec);
		thermostat_stage_safety(t, i, &in->heater[i], now_usec, reading_c);
		locked = now_usec < s->lockout_until_usec;
		if (locked) {
			thermostat_stage_switch(s, false, now_usec, reading_c);
			sd->reason = s->lockout_reason;
			wake = thermostat_min_u64(wake, s->lockout_until_usec);
		} else if (assigned < want) {
			if (!in->heater[i].unavailable)
				assigned++;
			if (s->on || !s->ever_switched || now_usec - s->changed_usec >= min_off) {
				thermostat_stage_switch(s, true, now_usec, reading_c);
				sd->reason = want_reason;
			} else {
				sd->reason = THERMOSTAT_REASON_MIN_OFF;
				wake = thermostat_min_u64(wake, s->changed_usec + min_off);
			}
		} else if (s->on && !forced && now_usec - s->changed_usec < min_on) {
			sd->reason = THERMOSTAT_REASON_MIN_ON;
			wake = thermostat_min_u64(wake, s->changed_usec + min_on);
		} else {
			thermostat_stage_switch(s, false, now_usec, reading_c);
			sd->reason = forced || fallback ? d.reason
				     : floor_active     ? THERMOSTAT_REASON_IDLE
							: THERMOSTAT_REASON_NO_FLOOR;
		}
		if (s->on) {
			if (!s->effect_seen && !s->held) /* held: the clock stands */
				wake = thermostat_min_u64(wake, s->effect_since_usec +
								    t->p.no_effect_usec);
			wake = thermostat_min_u64(wake, s->changed_usec + t->p.max_on_usec);
		}
		sd->on = s->on;
		sd->alerts_active = s->alerts;
		sd->alerts_raised = s->alerts & ~old_stage_alerts[i];
		sd->alerts_cleared = old_stage_alerts[i] & ~s->alerts;
	}

	thermostat_learn_input(t, now_usec, heaters_on(t, in, now_usec));
	d.alerts_active = t->alerts;
	d.alerts_raised = t->alerts & ~old_alerts;
	d.alerts_cleared = old_alerts & ~t->alerts;
	d.next_wakeup_usec = wake > now_usec ? wake : now_usec + 1;
	*ret = d;
	return 0;
}
