/*
 * Online identification of the room, the heater and the sensor: a bank of
 * candidate lags with least squares on exponentially forgotten normal equations.
 *
 * Why this method. The model (thermostat-ident.h) is linear in its five
 * parameters once the lags are fixed, and the lags are what an on/off heater
 * makes hard: the heater's output lag and the sensor's lag act in series, and
 * the reading depends on them only through their pair (the transfer function
 * is a product), so they cannot be told apart from the controller's own data.
 * An EKF over lags and states together is known to wander along such a
 * direction and needs tuning per plant; a bank of fixed candidate lag pairs
 * does not. For each pair the heater command is filtered exactly (two
 * first-order lags, in closed form between switchings), and every candidate
 * shares one set of accumulated sums: the normal equations of all of them are
 * sub-matrices of one IDENT_COLS x IDENT_COLS matrix, updated once per reading
 * (about 2000 multiply-adds) and forgotten with a time constant. A fit (235
 * small 5x5 solves) picks the candidate with the least residual. The equation
 * error is the reading's slope over each interval against interval averages of
 * the regressors; the slope's noise is uncorrelated with the averaged reading,
 * so the least squares are not biased by the sensor noise.
 *
 * Memory: two accumulators (a long one of three days, a short one of eight
 * hours for change detection), 2 x 4.1 k doubles. CPU: per reading (at most
 * one a second) ~5 k flops; per fit (282 candidates of 7 parameters) ~150 k.
 * Deterministic: no clock, no randomness.
 */
#include <math.h>
#include <string.h>

#include "control/thermostat-ident.h"

#define LONG_MEMORY_S  (3.0 * 86400.0)
#define SHORT_MEMORY_S (8.0 * 3600.0)
/*
 * Readings further apart are not used. A thermometer that reports every 5
 * minutes (a Tasmota's TelePeriod) is read when its message arrives, a few ms
 * to a second either side of 300 s: at exactly 300, half of its intervals were
 * dropped, a window of IDENT_WINDOW never filled, and nothing was ever learned.
 */
#define GAP_S 360.0
/*
 * A reading sooner than this after the last one taken waits for the next: the
 * room changes too slowly for it to add anything. Taken, a burst of copies
 * (a thermometer that reports each value twenty times in 200 ms) made
 * equations of near-zero span that took the heater's gain to a quarter of its
 * value; and a sensor that floods now costs what one a second does.
 */
#define MIN_DT_USEC 1000000ULL

/*
 * The candidate lags, seconds. Pairs share them, so one exp() a lag serves
 * every pair at each step of the filters.
 */
/* clang-format off */
enum { L0, L30, L57, L60, L90, L114, L120, L171, L180, L240, L285, L300, L420, L600, L840,
       L1200, L1700, N_LAGS };
static const double lags_s[N_LAGS] = { 0, 30, 57, 60, 90, 114, 120, 171, 180, 240, 285, 300,
				       420, 600, 840, 1200, 1700 };
/* clang-format on */

/* The pairs: the longer lag (heater or sensor) and the shorter one (at most 300 s). */
static const unsigned char lag_pairs[IDENT_N_LAG][2] = {
	{ L0, L0 },      { L30, L0 },     { L60, L0 },    { L60, L57 },   { L90, L0 },
	{ L90, L60 },    { L120, L0 },    { L120, L60 },  { L120, L114 }, { L180, L0 },
	{ L180, L60 },   { L180, L120 },  { L180, L171 }, { L240, L0 },   { L240, L60 },
	{ L240, L120 },  { L240, L180 },  { L300, L0 },   { L300, L60 },  { L300, L120 },
	{ L300, L180 },  { L300, L285 },  { L420, L0 },   { L420, L60 },  { L420, L120 },
	{ L420, L180 },  { L420, L300 },  { L600, L0 },   { L600, L60 },  { L600, L120 },
	{ L600, L180 },  { L600, L300 },  { L840, L0 },   { L840, L60 },  { L840, L120 },
	{ L840, L180 },  { L840, L300 },  { L1200, L0 },  { L1200, L60 }, { L1200, L120 },
	{ L1200, L180 }, { L1200, L300 }, { L1700, L0 },  { L1700, L60 }, { L1700, L120 },
	{ L1700, L180 }, { L1700, L300 },
};

static const double mass_taus_h[IDENT_N_MASS] = { 1.5, 2.3, 3.5, 5.3, 8.0, 12.0, 18.0 };

double ident_lag_long_s(unsigned lag)
{
	return lag < IDENT_N_LAG ? lags_s[lag_pairs[lag][0]] : NAN;
}

double ident_lag_short_s(unsigned lag)
{
	return lag < IDENT_N_LAG ? lags_s[lag_pairs[lag][1]] : NAN;
}

double ident_mass_tau_s(unsigned mass)
{
	return mass < IDENT_N_MASS ? mass_taus_h[mass] * 3600.0 : NAN;
}

static void acc_clear(struct ident_acc *a, double memory_s)
{
	memset(a, 0, sizeof(*a));
	a->memory_s = memory_s;
}

void ident_reset(struct thermostat_ident *id)
{
	acc_clear(&id->lng, LONG_MEMORY_S);
	acc_clear(&id->shrt, SHORT_MEMORY_S);
}

void ident_init(struct thermostat_ident *id)
{
	memset(id, 0, sizeof(*id));
	id->last_out = NAN;
	ident_reset(id);
}

/*
 * Two first-order lags @a > @b in series (0: none), constant input @u for
 * @h s, @ea and @eb their decays exp(-h / a), exp(-h / b): exact.
 */
static void lag_advance(double a, double b, double ea, double eb, double u, double h, double *x1,
			double *x2, double *integral)
{
	if (a <= 0) {
		*x1 = *x2 = u;
		*integral += u * h;
	} else if (b <= 0) {
		*integral += u * h + (*x1 - u) * a * (1 - ea);
		*x1 = u + (*x1 - u) * ea;
		*x2 = *x1;
	} else {
		double ka = (*x1 - u) * a / (a - b), kb = *x2 - u - ka;

		*integral += u * h + ka * a * (1 - ea) + kb * b * (1 - eb);
		*x1 = u + (*x1 - u) * ea;
		*x2 = u + ka * ea + kb * eb;
	}
}

static void advance(struct thermostat_ident *id, uint64_t to_usec)
{
	double h, decay[N_LAGS];

	if (to_usec <= id->t_usec)
		return;
	h = (double) (to_usec - id->t_usec) / 1e6;
	decay[L0] = 0;
	for (unsigned k = L0 + 1; k < N_LAGS; k++)
		decay[k] = exp(-h / lags_s[k]);
	for (unsigned j = 0; j < IDENT_N_LAG; j++) {
		unsigned la = lag_pairs[j][0], lb = lag_pairs[j][1];

		lag_advance(lags_s[la], lags_s[lb], decay[la], decay[lb], id->u, h, &id->x1[j],
			    &id->x2[j], &id->qint[j]);
	}
	id->t_usec = to_usec;
}

/*
 * The command reaches the heater IDENT_DELAY_USEC late (the plug's relay); a
 * change waits in id->next_u until then.
 */
void ident_input(struct thermostat_ident *id, uint64_t now_usec, double u)
{
	if (!id->started) {
		id->started = true;
		id->t_usec = now_usec;
		id->u = id->next_u = u;
		id->next_usec = now_usec;
		return;
	}
	/*
	 * The filters are advanced only up to where the command changes (and a
	 * reading, in ident_reading()): over a constant command one step is as
	 * exact as many, and this is called at every step of the thermostat.
	 */
	if (id->next_u != id->u && now_usec >= id->next_usec) {
		advance(id, id->next_usec);
		if (id->u <= 0 && id->next_u > 0)
			id->pending_ons++;
		id->u = id->next_u;
	}
	if (u != id->next_u) {
		if (id->next_u != id->u) { /* a change still pending: takes effect now */
			advance(id, now_usec);
			if (id->u <= 0 && id->next_u > 0)
				id->pending_ons++;
			id->u = id->next_u;
		}
		id->next_u = u;
		id->next_usec = now_usec + IDENT_DELAY_USEC;
	}
}

static void acc_add(struct ident_acc *a, const double x[IDENT_COLS], double dt_s, unsigned ons)
{
	double lambda = exp(-dt_s / a->memory_s);

	for (unsigned i = 0; i < IDENT_COLS; i++)
		for (unsigned k = i; k < IDENT_COLS; k++)
			a->g[i][k] = lambda * a->g[i][k] + x[i] * x[k];
	a->n = lambda * a->n + 1;
	a->span_s = lambda * a->span_s + dt_s;
	a->ons = lambda * a->ons + ons;
}

void ident_reading(struct thermostat_ident *id, uint64_t t_usec, double y_c, double out_c,
		   bool learn)
{
	double dt, out_avg, y_avg, x[IDENT_COLS];

	ident_input(id, t_usec, id->next_u);
	/*
	 * An outdoor temperature that was given and is unknown now (its thermometer
	 * silent too long: daemon/heating-outdoor.c) is not held: the last value,
	 * perhaps a mild afternoon's, would teach the fit a false loss. Without it
	 * the equations lack a term the others have: nothing is learned until it
	 * is back (a gap); the filters follow.
	 */
	if (isfinite(out_c)) {
		id->out_seen = true;
		id->last_out = out_c;
	} else if (id->out_seen) {
		learn = false;
	}
	if (learn && id->have_prev && t_usec > id->prev_usec &&
	    t_usec - id->prev_usec < MIN_DT_USEC)
		return;
	advance(id, t_usec);
	if (!id->have_prev) {
		for (unsigned i = 0; i < IDENT_N_MASS; i++)
			id->my[i] = id->mo[i] = y_c; /* walls at the air: the best guess */
		goto keep;
	}
	dt = (double) (t_usec - id->prev_usec) / 1e6;
	if (!(dt > 0))
		return;
	y_avg = 0.5 * (y_c + id->prev_y);
	out_avg = isfinite(out_c) && isfinite(id->prev_out) ? 0.5 * (out_c + id->prev_out) : NAN;
	if (id->out_seen && !isfinite(out_avg))
		learn = false; /* the first interval with it back: half of it without */
	for (unsigned i = 0; i < IDENT_N_MASS; i++) {
		double f = 1 - exp(-dt / ident_mass_tau_s(i));

		id->my[i] += f * (y_avg - id->my[i]);
		if (isfinite(out_avg))
			id->mo[i] += f * (out_avg - id->mo[i]);
	}
	if (!learn || dt > GAP_S) {
		id->ring_n = 0; /* the window restarts */
		goto keep;
	}
	{
		struct ident_interval *iv = &id->ring[id->ring_head];

		iv->dt = dt;
		iv->dy = y_c - id->prev_y;
		for (unsigned j = 0; j < IDENT_N_LAG; j++)
			iv->x[IDENT_COL_Q + j] = id->qint[j];
		for (unsigned i = 0; i < IDENT_N_MASS; i++) {
			iv->x[IDENT_COL_MY + i] = dt * (0.5 * (id->my[i] + id->prev_my[i]) - y_avg);
			iv->x[IDENT_COL_MO + i] =
			    isfinite(out_avg) ? dt * (0.5 * (id->mo[i] + id->prev_mo[i]) - y_avg)
					      : 0;
		}
		iv->x[IDENT_COL_OUT] = isfinite(out_avg) ? dt * (out_avg - y_avg) : 0;
		iv->x[IDENT_COL_ONE] = dt;
		iv->ons = id->pending_ons;
		id->ring_head = (id->ring_head + 1) % IDENT_WINDOW;
		if (id->ring_n < IDENT_WINDOW)
			id->ring_n++;
	}
	if (id->ring_n == IDENT_WINDOW) {
		double w = 0, dy = 0;
		unsigned ons = 0;

		memset(x, 0, sizeof(x));
		for (unsigned k = 0; k < IDENT_WINDOW; k++) {
			const struct ident_interval *iv = &id->ring[k];

			w += iv->dt;
			dy += iv->dy;
			for (unsigned c = 0; c < IDENT_COL_Z; c++)
				x[c] += iv->x[c];
		}
		for (unsigned c = 0; c < IDENT_COL_Z; c++)
			x[c] /= w;
		x[IDENT_COL_Z] = dy / w;
		ons = id->ring[(id->ring_head + IDENT_WINDOW - 1) % IDENT_WINDOW].ons;
		acc_add(&id->lng, x, dt, ons);
		acc_add(&id->shrt, x, dt, ons);
	}
keep:
	id->pending_ons = 0;
	id->have_prev = true;
	id->prev_usec = t_usec;
	id->prev_y = y_c;
	id->prev_out = out_c;
	memcpy(id->prev_my, id->my, sizeof(id->my));
	memcpy(id->prev_mo, id->mo, sizeof(id->mo));
	memset(id->qint, 0, sizeof(id->qint));
}

/* Columns of a candidate, in the order of theta. */
static void candidate_cols(unsigned lag, unsigned mass, unsigned cols[IDENT_N_PAR])
{
	cols[0] = IDENT_COL_Q + lag;
	cols[1] = IDENT_COL_MY + mass;
	cols[2] = IDENT_COL_MY + mass + 1;
	cols[3] = IDENT_COL_MO + mass;
	cols[4] = IDENT_COL_MO + mass + 1;
	cols[5] = IDENT_COL_OUT;
	cols[6] = IDENT_COL_ONE;
}

static double acc_get(const struct ident_acc *a, unsigned i, unsigned k)
{
	if (i >= IDENT_COLS || k >= IDENT_COLS)
		return 0;
	return i <= k ? a->g[i][k] : a->g[k][i];
}

/* Solves the symmetric positive definite @n x @n system (Cholesky). Returns false if singular. */
static bool solve_spd(unsigned n, double a[IDENT_N_PAR][IDENT_N_PAR], const double b[], double x[])
{
	double l[IDENT_N_PAR][IDENT_N_PAR] = { { 0 } }, y[IDENT_N_PAR] = { 0 };

	for (unsigned i = 0; i < n; i++) {
		for (unsigned k = 0; k <= i; k++) {
			double s = a[i][k];

			for (unsigned m = 0; m < k; m++)
				s -= l[i][m] * l[k][m];
			if (i == k) {
				if (!(s > 0))
					return false;
				l[i][i] = sqrt(s);
			} else {
				l[i][k] = s / l[k][k];
			}
		}
	}
	for (unsigned i = 0; i < n; i++) {
		double s = b[i];

		for (unsigned m = 0; m < i; m++)
			s -= l[i][m] * y[m];
		y[i] = s / l[i][i];
	}
	for (unsigned i = n; i-- > 0;) {
		double s = y[i];

		for (unsigned m = i + 1; m < n; m++)
			s -= l[m][i] * x[m];
		x[i] = s / l[i][i];
	}
	return true;
}

double ident_rss(const struct ident_acc *acc, unsigned lag, unsigned mass,
		 const double theta[IDENT_N_PAR])
{
	unsigned c[IDENT_N_PAR];
	double rss = acc->g[IDENT_COL_Z][IDENT_COL_Z];

	candidate_cols(lag, mass, c);
	for (unsigned i = 0; i < IDENT_N_PAR; i++) {
		rss -= 2 * theta[i] * acc_get(acc, c[i], IDENT_COL_Z);
		for (unsigned k = 0; k < IDENT_N_PAR; k++)
			rss += theta[i] * theta[k] * acc_get(acc, c[i], c[k]);
	}
	return rss;
}

/*
 * Least squares of one candidate with all but c0 >= 0 (a parameter that would
 * come out negative is held at 0). Returns false if it cannot be solved.
 */
static bool fit_candidate(const struct ident_acc *acc, unsigned lag, unsigned mass,
			  double theta[IDENT_N_PAR], double *ret_g_var_unit)
{
	unsigned c[IDENT_N_PAR];
	bool active[IDENT_N_PAR];

	for (unsigned i = 0; i < IDENT_N_PAR; i++)
		active[i] = true;
	candidate_cols(lag, mass, c);
	for (unsigned round = 0; round < IDENT_N_PAR; round++) {
		double a[IDENT_N_PAR][IDENT_N_PAR], b[IDENT_N_PAR], x[IDENT_N_PAR];
		unsigned map[IDENT_N_PAR] = { 0 }, n = 0, worst = IDENT_N_PAR;

		for (unsigned i = 0; i < IDENT_N_PAR; i++)
			if (active[i])
				map[n++] = i;
		for (unsigned i = 0; i < n; i++) {
			b[i] = acc_get(acc, c[map[i]], IDENT_COL_Z);
			for (unsigned k = 0; k < n; k++)
				a[i][k] = acc_get(acc, c[map[i]], c[map[k]]);
			a[i][i] += 1e-9 * a[i][i] + 1e-12 * acc->n;
		}
		if (!solve_spd(n, a, b, x))
			return false;
		for (unsigned i = 0; i < n; i++)
			if (map[i] < IDENT_N_PAR - 1 && x[i] < 0 &&
			    (worst == IDENT_N_PAR || x[i] < x[worst]))
				worst = i;
		if (worst == IDENT_N_PAR) {
			memset(theta, 0, sizeof(double) * IDENT_N_PAR);
			for (unsigned i = 0; i < n; i++)
				theta[map[i]] = x[i];
			if (ret_g_var_unit) {
				double e[IDENT_N_PAR] = { 0 }, v[IDENT_N_PAR];

				*ret_g_var_unit = NAN;
				if (active[0]) {
					e[0] = 1; /* g is map[0] when active */
					if (solve_spd(n, a, e, v))
						*ret_g_var_unit = v[0];
				}
			}
			return true;
		}
		active[map[worst]] = false;
	}
	return false;
}

static double total_lag_s(unsigned lag)
{
	return lags_s[lag_pairs[lag][0]] + lags_s[lag_pairs[lag][1]];
}

bool ident_fit(const struct ident_acc *acc, struct ident_fit *ret)
{
	struct ident_fit best = { .ok = false, .rss = INFINITY, .rss_lag_2 = INFINITY };
	double rss_of[IDENT_N_LAG];

	if (acc->n < 2 * IDENT_N_PAR)
		return false;
	for (unsigned j = 0; j < IDENT_N_LAG; j++) {
		rss_of[j] = INFINITY;
		for (unsigned i = 0; i + 1 < IDENT_N_MASS; i++) {
			double theta[IDENT_N_PAR], rss;

			if (!fit_candidate(acc, j, i, theta, NULL))
				continue;
			rss = ident_rss(acc, j, i, theta);
			if (rss < rss_of[j])
				rss_of[j] = rss;
			if (rss < best.rss) {
				best.ok = true;
				best.lag = j;
				best.mass = i;
				best.rss = rss;
				memcpy(best.theta, theta, sizeof(theta));
			}
		}
	}
	if (!best.ok)
		return false;
	for (unsigned j = 0; j < IDENT_N_LAG; j++) {
		double r = (total_lag_s(j) + 30) / (total_lag_s(best.lag) + 30);

		if ((r >= 2 || r <= 0.5) && rss_of[j] < best.rss_lag_2)
			best.rss_lag_2 = rss_of[j];
	}
	{
		double var_unit = NAN, theta[IDENT_N_PAR];

		fit_candidate(acc, best.lag, best.mass, theta, &var_unit);
		best.n = acc->n;
		best.span_s = acc->span_s;
		best.ons = acc->ons;
		best.g_sd = acc->n > IDENT_N_PAR && isfinite(var_unit)
				? sqrt(fmax(best.rss, 0) / (acc->n - IDENT_N_PAR) * var_unit)
				: INFINITY;
	}
	*ret = best;
	return true;
}
