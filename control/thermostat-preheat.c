/*
 * Pre-heat (optimum start). When no day floor holds the room up, the night floor
 * is brought forward so that it already holds when the night window opens, at most
 * preheat_max early. With deficit = floor - room (the reading, the heater off) the
 * lead has two parts:
 *
 *     lead = a * min(deficit, LIFT) + k * max(deficit - LIFT, 0) * load
 *     load = 1 / (1 - (mid - outdoor) / max_rise)
 *
 * - The air. After a long setback the reading sits close to the walls: the air
 *   follows them within half an hour. The heater lifts the air well above that
 *   heater-off level within tens of minutes (the air node is small); LIFT is how
 *   far it can lift it and still have room to cycle. Up to LIFT short, the room
 *   needs only that quick warm-up of the air and the inner surfaces: a per kelvin.
 * - The walls. Whatever the room is short beyond LIFT must come from warming the
 *   walls, which is slow: k per kelvin with the whole heater free. load is how
 *   much of the heater is left for the walls once the loss to the outside is paid,
 *   at the mean heater-off level of that warm-up (mid, half-way between the
 *   reading and floor - LIFT): a heater that holds a difference of max_rise at full
 *   duty (learned, thermostat-floor.c) warms the walls half as fast on a night
 *   with (mid - outdoor) = max_rise / 2. Without an outdoor temperature, or before
 *   max_rise is learned, load is 1.
 *
 * a and k are learned night by night, each from the nights its own part decided
 * (k when the room was short by more than LIFT, a otherwise): for the first two
 * hours of the night the lowest estimated air is watched while the heater runs
 * flat out; an undershoot (the walls were still too cold to hold the floor, or
 * the air was not up yet) lengthens that part in proportion to it; a night held
 * with the heater never saturated shortens it a little.
 *
 * The previous form, k * deficit * load with load taken at the floor, charged the
 * slow wall rate to the whole deficit, so the lead was too long on mild evenings
 * and the judge could only shorten it on nights that never saturated: on about
 * half of the Boston nights pre-heat started at the 4 h cap.
 */
#include <math.h>

#include "control/thermostat-internal.h"

#define JUDGE_USEC (120 * USEC_PER_MIN)
#define LOAD_MIN   0.2               /* never assume less than a fifth of the heater left */
#define LIFT_C     THERMOSTAT_LIFT_C /* see thermostat-internal.h */
/*
 * The first lead of the air part: an hour for LIFT short, a few time constants of
 * the air node (about 25 min in the 2R2C bedroom) so that the inner surfaces are
 * up too, not just the air, when the night begins. Learned from then on.
 */
#define AIR_INIT_USEC (60.0 * USEC_PER_MIN / LIFT_C)
#define DEFICIT_MIN_C 0.25 /* some lead even for a room just under the floor */

void thermostat_preheat_init(struct thermostat *t)
{
	t->preheat_usec_per_k = t->p.preheat_usec_per_k;
	t->preheat_air_usec_per_k = AIR_INIT_USEC;
}

static double load_factor(const struct thermostat *t, double mid_c, double outdoor_c)
{
	if (!isfinite(outdoor_c) || !isfinite(t->max_rise_k) || !(t->max_rise_k > 0))
		return 1.0;
	return 1.0 / fmax(1.0 - (mid_c - outdoor_c) / t->max_rise_k, LOAD_MIN);
}

uint64_t thermostat_preheat_lead_usec(const struct thermostat *t, double floor_c, double room_c,
				      double outdoor_c, bool *ret_walls)
{
	double deficit = fmax(floor_c - room_c, DEFICIT_MIN_C);
	double walls = fmax(deficit - LIFT_C, 0);
	double lead = t->preheat_air_usec_per_k * fmin(deficit, LIFT_C);

	if (walls > 0)
		lead += walls * t->preheat_usec_per_k *
			load_factor(t, 0.5 * (floor_c - LIFT_C + room_c), outdoor_c);
	if (ret_walls)
		*ret_walls = walls > 0;
	if (!(lead < (double) t->p.preheat_max_usec))
		return t->p.preheat_max_usec;
	return (uint64_t) lead;
}

void thermostat_preheat_judge_start(struct thermostat *t, uint64_t now_usec, bool walls)
{
	t->judge = true;
	t->judge_walls = walls;
	t->judge_until_usec = now_usec + JUDGE_USEC;
	t->judge_min_c = INFINITY;
	t->judge_saturated = false;
}

void thermostat_learn_preheat(struct thermostat *t, uint64_t now_usec, double floor_c, double est_c)
{
	double factor = 1.0;
	double *rate;

	if (!t->judge)
		return;
	/* only what the heater could not hold: on without a break for 10 min */
	if (t->stage[0].on && now_usec - t->stage[0].changed_usec >= 10 * USEC_PER_MIN) {
		t->judge_saturated = true;
		if (isfinite(est_c) && est_c < t->judge_min_c)
			t->judge_min_c = est_c;
	}
	if (now_usec < t->judge_until_usec)
		return;
	t->judge = false;
	if (!t->judge_saturated) {
		factor = 0.9;
	} else if (isfinite(floor_c) && isfinite(t->judge_min_c)) {
		double deficit = floor_c - t->judge_min_c;

		if (deficit > 0.05)
			factor = 1 + thermostat_clamp(0.5 * deficit + 0.15, 0.15, 0.8);
	}
	rate = t->judge_walls ? &t->preheat_usec_per_k : &t->preheat_air_usec_per_k;
	*rate = thermostat_clamp(*rate * factor, 2.0 * USEC_PER_MIN, 120.0 * USEC_PER_MIN);
}
