#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Internal to the thermostat: online identification of the room and its heater
 * from the controller's own history (heater command, timed readings, outdoor
 * temperature where known). See thermostat-ident.c for the method.
 *
 * The grey-box model, for the sensor reading Ts (the air Ta has the same form
 * with the heater output p in place of q):
 *
 *     dTs/dt = g q + c1 (To - Ts) + sum_k [c2k (Myk - Ts) + c3k (Mok - Ts)] + c0
 *
 * q is the heater command through two first-order lags (the heater's and the
 * sensor's), Myk and Mok the reading and the outdoor temperature through a
 * first-order lag of the walls, k over two neighbouring candidate time
 * constants (their weights place the walls' time constant between them, which
 * the heat stored over a setback day is very sensitive to), c0 a constant
 * (gains, a sensor offset).
 */

#define IDENT_N_LAG  47 /* candidate pairs of lags */
#define IDENT_N_MASS 7  /* time constants of the walls; a candidate uses two neighbours */
#define IDENT_N_PAR  7  /* g, c2 (two), c3 (two), c1, c0 */

/* The plug's command-to-relay delay (a smart plug over MQTT: a few seconds). */
#define IDENT_DELAY_USEC (10ULL * 1000000ULL)

/* Columns of the accumulated normal equations. */
enum {
	IDENT_COL_Q = 0,                             /* IDENT_N_LAG filtered heater commands */
	IDENT_COL_MY = IDENT_COL_Q + IDENT_N_LAG,    /* My - y, per wall time constant */
	IDENT_COL_MO = IDENT_COL_MY + IDENT_N_MASS,  /* Mo - y, per wall time constant */
	IDENT_COL_OUT = IDENT_COL_MO + IDENT_N_MASS, /* To - y */
	IDENT_COL_ONE,                               /* 1 */
	IDENT_COL_Z,                                 /* dy/dt, the target */
	IDENT_COLS,
};

/* Sums of products of the columns, exponentially forgotten. */
struct ident_acc {
	double g[IDENT_COLS][IDENT_COLS]; /* upper triangle used */
	double n;                         /* readings, forgotten alike */
	double ons;                       /* switch-ons, forgotten alike */
	double span_s;                    /* seconds of readings, forgotten alike */
	double memory_s;                  /* forgetting time constant */
};

/* One fitted candidate. */
struct ident_fit {
	bool ok;
	unsigned lag;              /* index of the lag pair */
	unsigned mass;             /* the walls: time constants mass and mass + 1 */
	double theta[IDENT_N_PAR]; /* g, c2 (mass, mass + 1), c3 (the same), c1, c0 */
	double rss;                /* residual sum of squares, (K/s)^2 */
	double n;                  /* readings behind it */
	double span_s;             /* and the seconds they cover (n times their interval) */
	double ons;
	double g_sd;      /* standard error of g */
	double rss_lag_2; /* best RSS of a clearly different total lag (x2 or /2) */
};

/*
 * Each equation spans IDENT_WINDOW reading intervals: the reading's change over
 * them against the integrals of the regressors, so that the sensor's noise and
 * steps weigh little against the room's slow terms.
 */
#define IDENT_WINDOW 5

struct ident_interval {
	double dt, dy;
	double x[IDENT_COLS]; /* integrals over the interval; the target unused */
	unsigned ons;
};

struct thermostat_ident {
	bool started;
	uint64_t t_usec; /* the filters are advanced to this time */
	double u;        /* heater command in force since then (stages on) */
	double next_u;   /* the command given, in force from next_usec */
	uint64_t next_usec;
	unsigned pending_ons; /* switch-ons since the last reading */
	double x1[IDENT_N_LAG], x2[IDENT_N_LAG], qint[IDENT_N_LAG];
	double my[IDENT_N_MASS], mo[IDENT_N_MASS];
	bool have_prev;
	uint64_t prev_usec;
	double prev_y;
	double prev_my[IDENT_N_MASS], prev_mo[IDENT_N_MASS];
	double prev_out;
	bool out_seen; /* an outdoor temperature was ever given */
	double last_out;
	struct ident_interval ring[IDENT_WINDOW];
	unsigned ring_head, ring_n;
	struct ident_acc lng, shrt;
};

/* The candidate lags (seconds): the larger and the smaller of the pair. */
double ident_lag_long_s(unsigned lag);
double ident_lag_short_s(unsigned lag);
double ident_mass_tau_s(unsigned mass);

void ident_init(struct thermostat_ident *id);

/* Forgets everything learned (the filters keep running). */
void ident_reset(struct thermostat_ident *id);

/*
 * Advances the filters to @now_usec with the command in force, then sets the
 * command to @u (number of heaters on) from @now_usec on. Times must not go
 * backwards.
 */
void ident_input(struct thermostat_ident *id, uint64_t now_usec, double u);

/*
 * A reading @y_c taken at @t_usec (not before the last call), the outdoor
 * temperature @out_c (NAN: unknown; once one was given, an unknown one is a
 * gap: nothing is learned until it is back). @learn false: the filters follow,
 * nothing is learned (a heater locked out, a gap).
 */
void ident_reading(struct thermostat_ident *id, uint64_t t_usec, double y_c, double out_c,
		   bool learn);

/* Fits every candidate on @acc; fills the best into @ret. Returns false if none fits. */
bool ident_fit(const struct ident_acc *acc, struct ident_fit *ret);

/* Residual sum of squares of the given parameters and candidate on @acc. */
double ident_rss(const struct ident_acc *acc, unsigned lag, unsigned mass,
		 const double theta[IDENT_N_PAR]);
