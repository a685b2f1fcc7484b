/*
 * Floor control: a hysteresis on the estimated true air, both switching points
 * above the floor and learned.
 * - Switch on when the estimate, carried one reading period and a half ahead along
 *   its slope (the next chance to act, plus the heater's own delay), would reach
 *   floor + on_offset (readings too far apart for a fit: the slope across the
 *   last interval, and that interval as the period); switch off when it
 *   reaches floor + on_offset + band.
 * - on_offset is learned from the troughs: after each switch-on the lowest
 *   hindsight estimate of the air (reading + tau * centred slope) is compared with
 *   floor + margin and on_offset moves half of the error.
 * - band is learned from the cycle length. The target cycle is not fixed: a relay
 *   giving a fixed swing of the air cycles fastest at half load and more slowly at
 *   light or heavy load (period ~ 1 / (duty * (1 - duty))), which is how every
 *   hysteresis thermostat behaves; so the target is cycle_usec at 50 % duty and
 *   cycle_usec / (4 duty (1 - duty)) otherwise, at most 3 times longer. The duty is
 *   measured, cycle by cycle. A light load (a modern room, a mild night) then
 *   clicks less, and a heavy one is allowed the clicks that keep the swing, and so
 *   the energy, down.
 * - With the outdoor temperature known, each steady cycle also tells how large an
 *   indoor-outdoor difference one stage could hold at full duty ((air - outdoor) /
 *   duty, the heater's power over the room's loss); the pre-heat uses it.
 * - For RECOVERY_USEC after a setback the switch-on look-ahead is longer (the air
 *   falls faster towards the still cold walls), see below.
 * - A first stage about to reach the maximum on-time takes its break early, at
 *   the minimum off-time, while the room is warm (rest_due()).
 */
#include <math.h>

#include "control/thermostat-internal.h"

#define TROUGH_USEC (5 * USEC_PER_MIN)
/*
 * Along readings minutes apart the band looks at most this far ahead: looked
 * further (18 minutes along readings 12 apart) the fall just after a switch-off
 * switched it on early, and an oil radiator's lag carried the room to the cut-off.
 */
#define SPARSE_HORIZON_MAX_S 600.0
/*
 * The air followed between such readings (thermostat-sparse.c): the look-ahead
 * in reading periods, the next wake, the heater's delay and the rates' own
 * error. 1.5, as with readings that close, left 5 to 10 rooms of 384 colder
 * than the band without it (a kelvin below and more in a room with an oil
 * radiator); 3 none at 5 minutes apart.
 */
#define FOLLOWED_HORIZON 3.0
/* learn_cycle() may narrow the band by this much at the switch-on it learns from */
#define BAND_SHRINK_MIN 0.8
/*
 * Switch-on look-ahead, in reading periods: the next reading plus the relay's and
 * the heater's own delay.
 */
#define HORIZON 1.5
/*
 * Recovery after a setback (the floor off for SETBACK_MIN or longer). The walls
 * stay colder than in steady heating for hours: held by air at the floor, they
 * close their gap with a time constant C_m / (H_am + H_mo) of about 4.4 h in the
 * 2R2C bedroom, so to within 5 % only after three of them, RECOVERY_USEC. Until
 * then the air falls faster each time the heater goes off (towards colder walls),
 * and the four-reading fit sees the turn after a switch-off only one or two
 * readings late, so the look-ahead is longer by up to RECOVERY_EXTRA readings: in
 * full when the setback took the room THERMOSTAT_LIFT_C or more below the floor
 * (the walls, not just the air, went cold), in proportion below that.
 */
#define SETBACK_MIN_USEC (2 * 60 * USEC_PER_MIN)
#define RECOVERY_USEC    (12 * 60 * USEC_PER_MIN)
#define RECOVERY_EXTRA   2.0

/* Hindsight estimate of the air at the reading before the newest: the centred slope. */
static bool hindsight_air(const struct thermostat *t, double *ret_c)
{
	const struct thermostat_estimate *e = &t->est;
	unsigned i0 = e->head, i1, i2;
	double dt;

	if (e->n < 3)
		return false;
	i1 = (i0 + THERMOSTAT_ESTIMATE_N - 1) % THERMOSTAT_ESTIMATE_N;
	i2 = (i0 + THERMOSTAT_ESTIMATE_N - 2) % THERMOSTAT_ESTIMATE_N;
	dt = (double) (e->t_usec[i0] - e->t_usec[i2]) / 1e6;
	if (dt <= 0 || dt > 4.0 * (double) t->p.reading_period_usec / 1e6)
		return false;
	*ret_c = e->v_c[i1] + (double) t->p.sensor_lag_usec / 1e6 * (e->v_c[i0] - e->v_c[i2]) / dt;
	return true;
}

/*
 * Only troughs the heater clearly turned round count: when it cannot win (walls
 * still cold after a setback) the dip says nothing about the switching point.
 */
void thermostat_learn_trough(struct thermostat *t, uint64_t now_usec, double floor_c,
			     bool fresh_reading)
{
	double h;

	if (!t->trough_watch)
		return;
	if (fresh_reading && hindsight_air(t, &h)) {
		if (h < t->trough_min_c)
			t->trough_min_c = h;
		if (h >= floor_c + t->on_offset_c + 0.1)
			t->trough_won = true;
	}
	if (now_usec < t->trough_until_usec)
		return;
	t->trough_watch = false;
	if (!t->trough_won || !isfinite(t->trough_min_c) || !isfinite(floor_c))
		return;
	t->on_offset_c +=
	    thermostat_clamp(0.5 * (floor_c + t->p.margin_c - t->trough_min_c), -0.1, 0.1);
	t->on_offset_c = thermostat_clamp(t->on_offset_c, 0.0, 1.0);
}

/* The cycle to aim for at the duty measured so far. */
static double target_cycle_usec(const struct thermostat *t)
{
	double dd = t->duty * (1 - t->duty);

	return (double) t->p.cycle_usec * thermostat_clamp(0.25 / fmax(dd, 1e-3), 1.0, 3.0);
}

/*
 * At each switch-on of floor control: the last cycle's length and duty. A cycle
 * shorter than thermostat_room_span_usec() is a sensor jumping, not the room
 * swinging through the band: it teaches nothing.
 */
static void learn_cycle(struct thermostat *t, uint64_t now_usec, double floor_c, double outdoor_c)
{
	if (t->have_last_on && t->last_off_usec > t->last_on_usec) {
		double cycle = (double) (now_usec - t->last_on_usec);
		double duty = (double) (t->last_off_usec - t->last_on_usec) / cycle;
		double target;

		if (cycle >= (double) thermostat_room_span_usec(t) &&
		    cycle < 3 * target_cycle_usec(t)) {
			t->duty += 0.2 * (duty - t->duty);
			target = target_cycle_usec(t);
			t->band_c *= thermostat_clamp(1 + 0.4 * (target / cycle - 1), 0.8, 1.25);
			t->band_c = thermostat_clamp(t->band_c, 0.2, 3.0);
			if (isfinite(outdoor_c) && duty > 0.05 && duty < 0.95) {
				double air = floor_c + t->on_offset_c + 0.5 * t->band_c;
				double rise = (air - outdoor_c) / duty;

				if (rise > 0 && !isfinite(t->max_rise_k))
					t->max_rise_k = rise;
				else if (rise > 0)
					t->max_rise_k += 0.05 * (rise - t->max_rise_k);
			}
		}
	}
	t->have_last_on = true;
	t->last_on_usec = now_usec;
}

void thermostat_floor_pause(struct thermostat *t, uint64_t now_usec)
{
	t->paused = true;
	t->paused_usec = now_usec;
}

void thermostat_floor_resume(struct thermostat *t, uint64_t now_usec, double short_c)
{
	double depth = isfinite(short_c) ? thermostat_clamp(short_c / THERMOSTAT_LIFT_C, 0, 1) : 1;

	t->have_last_on = false;
	if (t->paused && now_usec - t->paused_usec >= SETBACK_MIN_USEC) {
		t->recovery_until_usec = now_usec + RECOVERY_USEC;
		t->recovery_horizon = HORIZON + RECOVERY_EXTRA * depth;
	}
	t->paused = false;
}

/*
 * The first stage is one reading or two from the forced rest of the maximum
 * on-time (a long recovery on a very cold night): while the room is above the
 * on-point a short break now, the minimum off-time, is far better than the forced
 * rest a few minutes later, which leaves the room without heat for
 * max_on_rest. The safety rule itself is unchanged: an on-period that still
 * reaches max_on is rested and alerted as before.
 */
static bool rest_due(const struct thermostat *t, uint64_t now_usec)
{
	const struct thermostat_stage *s = &t->stage[0];

	return s->on &&
	       now_usec - s->changed_usec + 2 * t->p.reading_period_usec >= t->p.max_on_usec;
}

void thermostat_floor_control(struct thermostat *t, uint64_t now_usec, double floor_c, double est_c,
			      double slope, bool in_bed, double outdoor_c)
{
	bool recovery = now_usec < t->recovery_until_usec;
	double low = floor_c + t->on_offset_c;
	double band = t->band_c * (in_bed ? t->p.bed_band_factor : 1.0);
	bool sparse = t->sparse_period_usec > 0;
	uint64_t period = sparse ? t->sparse_period_usec : t->p.reading_period_usec;
	double horizon = (recovery ? t->recovery_horizon : HORIZON) * (double) period / 1e6;

	double followed_c, fall;

	if (sparse)
		horizon = fmin(horizon, SPARSE_HORIZON_MAX_S);
	/*
	 * Followed between readings (thermostat-sparse.c), the next chance to
	 * act is the next wake: look ahead FOLLOWED_HORIZON of them.
	 */
	if (thermostat_sparse_air(t, now_usec, &followed_c, &fall)) {
		est_c = followed_c;
		slope = fall;
		horizon = FOLLOWED_HORIZON * (double) t->p.reading_period_usec / 1e6;
	}
	unsigned want = t->demand;

	if (want == 0) {
		/*
		 * Never on at a reading that would switch it off, the band as
		 * narrow as this switch-on may make it: the steep fall just after
		 * a switch-off, looked ahead along readings minutes apart,
		 * switched it on above the band's top, off again at the next
		 * step, and the room swung up to the cut-off.
		 */
		if (est_c + fmin(slope, 0) * horizon <= low && est_c < low + BAND_SHRINK_MIN * band)
			want = 1;
	} else if (est_c >= low + band ||
		   (est_c >= low && (rest_due(t, now_usec) || t->floor_lowered))) {
		want = 0;
	} else if (want >= 2 && est_c >= low + band / 2) {
		want = 1;
	} else if (want < t->p.n_stages &&
		   now_usec - t->demand_since_usec >= t->p.stage_delay_usec && est_c < low &&
		   slope <= 0) {
		want++;
	}
	if (want == t->demand)
		return;
	if (t->demand == 0 && want == 1) {
		learn_cycle(t, now_usec, floor_c, outdoor_c);
		t->trough_watch = true;
		t->trough_until_usec = now_usec + TROUGH_USEC;
		t->trough_min_c = INFINITY;
		t->trough_won = false;
	}
	if (want == 0)
		t->last_off_usec = now_usec;
	t->demand = want;
	t->demand_since_usec = now_usec;
}
