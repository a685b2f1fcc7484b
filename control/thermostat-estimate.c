#include <errno.h>
#include <math.h>

#include "control/thermostat-estimate.h"

void thermostat_estimate_reset(struct thermostat_estimate *e)
{
	e->n = 0;
	e->head = 0;
}

void thermostat_estimate_add(struct thermostat_estimate *e, uint64_t t_usec, double v_c)
{
	e->head = (e->head + 1) % THERMOSTAT_ESTIMATE_N;
	e->t_usec[e->head] = t_usec;
	e->v_c[e->head] = v_c;
	if (e->n < THERMOSTAT_ESTIMATE_N)
		e->n++;
}

double thermostat_estimate_last(const struct thermostat_estimate *e)
{
	return e->n > 0 ? e->v_c[e->head] : NAN;
}

int thermostat_estimate_fit(const struct thermostat_estimate *e, uint64_t window_usec,
			    unsigned max_points, uint64_t min_span_usec, double *ret_level_c,
			    double *ret_slope)
{
	double st = 0, sv = 0, stt = 0, stv = 0, mt, mv, var;
	uint64_t span_usec = 0;
	unsigned used = 0;

	*ret_slope = 0;
	*ret_level_c = thermostat_estimate_last(e);
	if (e->n == 0)
		return -ENODATA;
	for (unsigned k = 0; k < e->n && (k < max_points || span_usec < min_span_usec); k++) {
		unsigned i = (e->head + THERMOSTAT_ESTIMATE_N - k) % THERMOSTAT_ESTIMATE_N;
		uint64_t age_usec = e->t_usec[e->head] - e->t_usec[i];
		/* seconds before the newest reading, as a negative time */
		double t = -(double) age_usec / 1e6;

		if (age_usec > window_usec)
			break;
		span_usec = age_usec;
		st += t;
		sv += e->v_c[i];
		stt += t * t;
		stv += t * e->v_c[i];
		used++;
	}
	if (used < 2 || span_usec < min_span_usec)
		return -ENODATA;
	mt = st / used;
	mv = sv / used;
	var = stt / used - mt * mt;
	if (var <= 0)
		return -ENODATA;
	*ret_slope = (stv / used - mt * mv) / var;
	*ret_level_c = mv + *ret_slope * (0 - mt);
	return 0;
}
