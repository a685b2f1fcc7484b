/*
 * The learned room as a model that predicts; see thermostat-plant.h. The Kalman
 * filter tracks three states (true air, sensor, unknown heat b); the heater's
 * output and the walls follow the model deterministically. Integration is exact
 * for each first-order part over sub-steps of at most SUB_S.
 */
#include <math.h>
#include <string.h>

#include "control/thermostat-plant.h"

#define SUB_S         10.0
#define REF_ONS       5
#define REF_HORIZON_S (24 * 3600.0)
/* Process noise: the air wanders by about 0.01 K in 10 min beyond the model; the
 * unknown heat by 1e-5 K/s (a person, the sun) in an hour. */
#define Q_AIR  (0.01 * 0.01 / 600.0)
#define Q_HEAT (1e-5 * 1e-5 / 3600.0)
/* Reading noise: 0.02 K and the 1/16 K steps of a DS18B20. */
#define R_READING (0.02 * 0.02 + 0.0625 * 0.0625 / 12.0)

static void split_lags(struct plant *pl)
{
	double total = pl->lag_long_s + pl->lag_short_s;

	if (pl->lag_long_s > 2 * PLANT_SENSOR_LAG_MAX_S) {
		/* clearly a slow heater: the pair as fitted */
		pl->heater_lag_s = pl->lag_long_s;
		pl->sensor_lag_s = pl->lag_short_s;
	} else {
		pl->sensor_lag_s = fmin(total, PLANT_SENSOR_LAG_MAX_S);
		pl->heater_lag_s = total - pl->sensor_lag_s;
	}
}

void plant_from_fit(struct plant *pl, const struct ident_fit *f, double sure)
{
	*pl = (struct plant){
		.ok = true,
		.g = f->theta[0],
		.c2 = { f->theta[1], f->theta[2] },
		.c3 = { f->theta[3], f->theta[4] },
		.c1 = f->theta[5],
		.c0 = f->theta[6],
		.walls_tau_s = { ident_mass_tau_s(f->mass), ident_mass_tau_s(f->mass + 1) },
		.lag_long_s = ident_lag_long_s(f->lag),
		.lag_short_s = ident_lag_short_s(f->lag),
		.sure = sure,
	};
	split_lags(pl);
}

double plant_air_rate(const struct plant *pl)
{
	double r = pl->c1;

	for (unsigned k = 0; k < PLANT_WALLS; k++)
		r += pl->c2[k] + pl->c3[k];
	return r;
}

double plant_loss_rate(const struct plant *pl)
{
	double r = pl->c1;

	for (unsigned k = 0; k < PLANT_WALLS; k++)
		r += pl->c3[k];
	return r;
}

static bool in(double v, double lo, double hi)
{
	return isfinite(v) && v >= lo && v <= hi;
}

bool plant_from_model(struct plant *pl, const struct thermostat_model *m)
{
	struct plant p;

	if (!in(m->gain_k_per_h, 0.5, 500) || !in(m->lag_long_s, 0, 3600) ||
	    !in(m->lag_short_s, 0, PLANT_SENSOR_LAG_MAX_S) || m->lag_short_s > m->lag_long_s ||
	    !in(m->out_per_h, 0, 20) || !in(m->offset_k_per_h, -50, 50) || !in(m->sure, 0, 1) ||
	    !in(m->margin_c, 0, 2))
		return false;
	p = (struct plant){
		.ok = true,
		.g = m->gain_k_per_h / 3600,
		.c1 = m->out_per_h / 3600,
		.c0 = m->offset_k_per_h / 3600,
		.lag_long_s = m->lag_long_s,
		.lag_short_s = m->lag_short_s,
		.sure = m->sure,
	};
	for (unsigned k = 0; k < PLANT_WALLS; k++) {
		if (!in(m->walls_per_h[k], 0, 50) || !in(m->walls_share[k], 0, 1) ||
		    !in(m->walls_tau_s[k], 600, 7 * 86400.0) ||
		    (k > 0 && m->walls_tau_s[k] < m->walls_tau_s[k - 1]))
			return false;
		p.c2[k] = m->walls_per_h[k] * m->walls_share[k] / 3600;
		p.c3[k] = m->walls_per_h[k] * (1 - m->walls_share[k]) / 3600;
		p.walls_tau_s[k] = m->walls_tau_s[k];
	}
	/*
	 * A room that loses no heat would hold any warmth for ever, and the plan
	 * would never heat. Without an outdoor temperature, though, the fit has no
	 * loss to the outdoor at all (c1 = c3 = 0) and its constant term carries
	 * it: such a model, as learned, must come back from the store.
	 */
	if (!(plant_loss_rate(&p) > 0) && !(p.c0 < 0))
		return false;
	split_lags(&p);
	*pl = p;
	return true;
}

void plant_to_model(const struct plant *pl, double margin_c, struct thermostat_model *ret)
{
	*ret = (struct thermostat_model){
		.version = THERMOSTAT_MODEL_VERSION,
		.gain_k_per_h = pl->g * 3600,
		.lag_long_s = pl->lag_long_s,
		.lag_short_s = pl->lag_short_s,
		.out_per_h = pl->c1 * 3600,
		.offset_k_per_h = pl->c0 * 3600,
		.sure = pl->sure,
		.margin_c = margin_c,
	};
	for (unsigned k = 0; k < PLANT_WALLS; k++) {
		double walls = pl->c2[k] + pl->c3[k];

		ret->walls_per_h[k] = walls * 3600;
		ret->walls_share[k] = walls > 0 ? pl->c2[k] / walls : 0;
		ret->walls_tau_s[k] = pl->walls_tau_s[k];
	}
}

double plant_max_rise_k(const struct plant *pl)
{
	double loss = plant_loss_rate(pl);

	return pl->ok && loss > 0 ? pl->g / loss : NAN;
}

void observer_start(struct observer *o, uint64_t t_usec, double y_c, double u)
{
	double out_c = o->out_c;

	*o = (struct observer){
		.ok = true,
		.t_usec = t_usec,
		.u = u,
		.next_u = u,
		.next_usec = t_usec,
		.p = u,
		.ta = y_c,
		.ts = y_c,
		.my = { y_c, y_c },
		.mo = { y_c, y_c },
		.cov = { { 0.25, 0, 0 }, { 0, R_READING, 0 }, { 0, 0, 1e-8 } },
		.out_c = out_c,
	};
}

/* The model's states, integrated exactly part by part over @h s. */
struct state {
	double p, ta, ts, my[PLANT_WALLS], mo[PLANT_WALLS];
};

static void model_step(const struct plant *pl, struct state *s, double u, double out_c, double b,
		       double h, double *ret_ea, double *ret_es)
{
	double ka = plant_air_rate(pl), ea, es, ta0 = s->ta, f;
	double to = isfinite(out_c) ? out_c : s->mo[PLANT_WALLS - 1];

	s->p = pl->heater_lag_s > 0 ? u + (s->p - u) * exp(-h / pl->heater_lag_s) : u;
	f = pl->g * s->p + pl->c1 * to + pl->c0 + b;
	for (unsigned k = 0; k < PLANT_WALLS; k++)
		f += pl->c2[k] * s->my[k] + pl->c3[k] * s->mo[k];
	ea = exp(-ka * h);
	s->ta = ka > 0 ? f / ka + (s->ta - f / ka) * ea : s->ta + f * h;
	es = pl->sensor_lag_s > 0 ? exp(-h / pl->sensor_lag_s) : 0;
	s->ts = 0.5 * (ta0 + s->ta) + (s->ts - 0.5 * (ta0 + s->ta)) * es;
	for (unsigned k = 0; k < PLANT_WALLS; k++) {
		double fk = 1 - exp(-h / pl->walls_tau_s[k]);

		s->my[k] += fk * (s->ts - s->my[k]);
		s->mo[k] += fk * (to - s->mo[k]);
	}
	if (ret_ea)
		*ret_ea = ea;
	if (ret_es)
		*ret_es = es;
}

static void state_of(const struct observer *o, struct state *s)
{
	*s = (struct state){ .p = o->p, .ta = o->ta, .ts = o->ts };
	memcpy(s->my, o->my, sizeof(s->my));
	memcpy(s->mo, o->mo, sizeof(s->mo));
}

void observer_advance(struct observer *o, const struct plant *pl, uint64_t t_usec)
{
	while (o->ok && t_usec > o->t_usec) {
		uint64_t to = t_usec;
		struct state s;
		double h, ea, es, ka = plant_air_rate(pl), phi[3][3], n[3][3];

		if (o->next_u != o->u && o->next_usec <= o->t_usec)
			o->u = o->next_u;
		if (o->next_u != o->u && o->next_usec < to)
			to = o->next_usec;
		if (to - o->t_usec > (uint64_t) (SUB_S * 1e6))
			to = o->t_usec + (uint64_t) (SUB_S * 1e6);
		h = (double) (to - o->t_usec) / 1e6;
		state_of(o, &s);
		model_step(pl, &s, o->u, o->out_c, o->b, h, &ea, &es);
		o->p = s.p;
		o->ta = s.ta;
		o->ts = s.ts;
		memcpy(o->my, s.my, sizeof(s.my));
		memcpy(o->mo, s.mo, sizeof(s.mo));
		o->t_usec = to;
		/* covariance: the linearised step */
		memset(phi, 0, sizeof(phi));
		phi[0][0] = ea;
		phi[0][2] = ka > 0 ? (1 - ea) / ka : h;
		phi[1][0] = (1 - es) * 0.5 * (1 + ea);
		phi[1][1] = es;
		phi[1][2] = (1 - es) * 0.5 * phi[0][2];
		phi[2][2] = 1;
		for (unsigned i = 0; i < 3; i++)
			for (unsigned k = 0; k < 3; k++) {
				n[i][k] = 0;
				for (unsigned m = 0; m < 3; m++)
					for (unsigned q = 0; q < 3; q++)
						n[i][k] += phi[i][m] * o->cov[m][q] * phi[k][q];
			}
		n[0][0] += Q_AIR * h;
		n[2][2] += Q_HEAT * h;
		memcpy(o->cov, n, sizeof(n));
	}
}

void observer_input(struct observer *o, double u)
{
	if (u == o->next_u)
		return;
	if (o->next_u != o->u)
		o->u = o->next_u;
	o->next_u = u;
	o->next_usec = o->t_usec + IDENT_DELAY_USEC;
}

void observer_update(struct observer *o, const struct plant *pl, double y_c, double out_c)
{
	double s = o->cov[1][1] + R_READING, k[3], e = y_c - o->ts, c[3][3];

	(void) pl;
	if (isfinite(out_c))
		o->out_c = out_c;
	for (unsigned i = 0; i < 3; i++)
		k[i] = o->cov[i][1] / s;
	o->ta += k[0] * e;
	o->ts += k[1] * e;
	o->b += k[2] * e;
	for (unsigned i = 0; i < 3; i++)
		for (unsigned m = 0; m < 3; m++)
			c[i][m] = o->cov[i][m] - k[i] * o->cov[1][m];
	memcpy(o->cov, c, sizeof(c));
}

void plan_free_response(const struct observer *o, const struct plant *pl, unsigned n,
			struct plan_resp *ret)
{
	struct state s;
	double delay_s = (double) IDENT_DELAY_USEC / 1e6, t = 0;
	double u = o->next_u != o->u ? o->next_u : o->u; /* what is on its way */

	state_of(o, &s);
	ret->n = n > PLAN_N ? PLAN_N : n;
	for (unsigned k = 0; k < ret->n; k++) {
		ret->ta[k] = s.ta;
		ret->ts[k] = s.ts;
		if (t < delay_s) {
			model_step(pl, &s, u, o->out_c, o->b, delay_s - t, NULL, NULL);
			model_step(pl, &s, 0, o->out_c, o->b, PLAN_DT_S - (delay_s - t), NULL,
				   NULL);
		} else {
			model_step(pl, &s, 0, o->out_c, o->b, PLAN_DT_S, NULL, NULL);
		}
		t += PLAN_DT_S;
	}
}

void plan_step_response(const struct plant *pl, unsigned n, struct plan_resp *ret)
{
	struct plant zero = *pl;
	struct state s = { 0 };
	double delay_s = (double) IDENT_DELAY_USEC / 1e6;

	zero.c0 = 0;
	ret->n = n > PLAN_N ? PLAN_N : n;
	for (unsigned k = 0; k < ret->n; k++) {
		ret->ta[k] = s.ta;
		ret->ts[k] = s.ts;
		if (k == 0) {
			model_step(&zero, &s, 0, 0, 0, delay_s, NULL, NULL);
			model_step(&zero, &s, 1, 0, 0, PLAN_DT_S - delay_s, NULL, NULL);
		} else {
			model_step(&zero, &s, 1, 0, 0, PLAN_DT_S, NULL, NULL);
		}
	}
}

double plan_reference_cycle_s(const struct observer *o, const struct plant *pl, double mid_c,
			      double band_c, double reading_s)
{
	struct state s;
	struct plant frozen = *pl;
	double t = 0, since_read = reading_s, u = 0, ons[REF_ONS], off_t = 0;

	unsigned n_on = 0;

	/*
	 * From the walls as they are; they move with the cycles (at light load the
	 * walls' slow cooling is what brings the reading down to the band).
	 */
	state_of(o, &s);
	s.p = 0;
	s.ta = s.ts = mid_c;
	/* the reading as fitted: the lag pair in series, whichever is the sensor */
	frozen.heater_lag_s = pl->lag_short_s;
	frozen.sensor_lag_s = pl->lag_long_s;
	while (t < REF_HORIZON_S && n_on < REF_ONS) {
		if (since_read >= reading_s) {
			since_read = 0;
			if (u == 0 && s.ts <= mid_c - band_c / 2) {
				u = 1;
				ons[n_on++] = t;
			} else if (u > 0 && s.ts >= mid_c + band_c / 2) {
				u = 0;
				off_t = t;
			}
		}
		model_step(&frozen, &s, u, o->out_c, o->b, SUB_S, NULL, NULL);
		t += SUB_S;
		since_read += SUB_S;
	}
	if (n_on >= 3) /* the first cycle starts from the middle of the band: not counted */
		return (ons[n_on - 1] - ons[1]) / (n_on - 2);
	if (u > 0 && (n_on == 0 || t - ons[n_on - 1] > t - off_t))
		return INFINITY;  /* the heater cannot get the reading to the top of the band */
	return REF_HORIZON_S / 2; /* a room that hardly needs heat: one long cycle */
}
