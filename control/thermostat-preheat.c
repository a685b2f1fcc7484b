/*
 * Pre-heat (optimum start). When no day floor holds the room up, the night floor
 * is brought forward so that it already holds when the night window opens, at most
 * preheat_max early. The lead is
 *
 *     lead = k * (floor - room) / (1 - (floor - outdoor) / max_rise)
 *
 * The first factor is the usual "minutes per kelvin short"; the second is how
 * much of the heater is left for warming the room (walls and air) once the loss
 * to the outside is paid: with a heater that can hold a difference of max_rise
 * at full duty, a night at (floor - outdoor) = max_rise / 2 leaves half of it,
 * and warming takes twice as long. max_rise is learned from the duty of steady
 * cycles (thermostat-floor.c); without an outdoor temperature, or before it is
 * learned, the factor is 1. k (time per K at no load) is learned night by night:
 * for the first two hours of the night the lowest estimated air is watched while
 * the heater runs flat out; an undershoot (the heater could not hold the floor
 * because the walls were still cold) lengthens k in proportion to it, a night
 * held with the heater never saturated shortens it a little.
 */
#include <math.h>

#include "control/thermostat-internal.h"

#define JUDGE_USEC (120 * USEC_PER_MIN)
#define LOAD_MIN   0.2 /* never assume less than a fifth of the heater left */

static double load_factor(const struct thermostat *t, double floor_c, double outdoor_c)
{
	if (!isfinite(outdoor_c) || !isfinite(t->max_rise_k) || !(t->max_rise_k > 0))
		return 1.0;
	return 1.0 / fmax(1.0 - (floor_c - outdoor_c) / t->max_rise_k, LOAD_MIN);
}

uint64_t thermostat_preheat_lead_usec(const struct thermostat *t, double floor_c, double room_c,
				      double outdoor_c)
{
	double deficit = fmax(floor_c - room_c, 0.25);
	double lead = deficit * t->preheat_usec_per_k * load_factor(t, floor_c, outdoor_c);

	if (!(lead < (double) t->p.preheat_max_usec))
		return t->p.preheat_max_usec;
	return (uint64_t) lead;
}

void thermostat_preheat_judge_start(struct thermostat *t, uint64_t now_usec)
{
	t->judge = true;
	t->judge_until_usec = now_usec + JUDGE_USEC;
	t->judge_min_c = INFINITY;
	t->judge_saturated = false;
}

void thermostat_learn_preheat(struct thermostat *t, uint64_t now_usec, double floor_c, double est_c)
{
	double deficit;

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
		t->preheat_usec_per_k *= 0.9;
	} else if (isfinite(floor_c) && isfinite(t->judge_min_c)) {
		deficit = floor_c - t->judge_min_c;
		if (deficit > 0.05)
			t->preheat_usec_per_k *=
			    1 + thermostat_clamp(0.5 * deficit + 0.15, 0.15, 0.8);
	}
	t->preheat_usec_per_k =
	    thermostat_clamp(t->preheat_usec_per_k, 2.0 * USEC_PER_MIN, 120.0 * USEC_PER_MIN);
}
