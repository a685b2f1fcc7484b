#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "control/thermostat-ident.h"
#include "control/thermostat.h"

/*
 * Internal to the thermostat: the learned room as a model that predicts (the
 * grey-box model of thermostat-ident.h with the heater output p in place of q),
 * a Kalman filter that tracks the true air from the readings, and the model's
 * responses that the planner (thermostat-plan.c) superposes.
 *
 *     dp/dt  = (u(t - delay) - p) / heater_lag
 *     dTa/dt = g p + c1 (To - Ta) + sum_k [c2k (Myk - Ta) + c3k (Mok - Ta)] + c0 + b
 *     dTs/dt = (Ta - Ts) / sensor_lag,     dMyk/dt = (Ts - Myk) / walls_tau_k,
 *     dMok/dt = (To - Mok) / walls_tau_k,  b: a slowly wandering unknown heat
 *
 * with k over PLANT_WALLS time constants of the walls (thermostat-ident.h).
 *
 * Which of the two lags is the heater's cannot be seen in the data (they act in
 * series, and even their pair is only loosely pinned down by noisy 1/16 K
 * readings), so the model takes the conservative reading: the sensor is given
 * as much of the total lag as a sensor can have (a small thing in a housing
 * lags at most SENSOR_LAG_MAX_S), the heater the rest. That puts the true air
 * further from the reading and the predicted troughs lower than any other
 * split; it costs a little energy where the heater, not the sensor, is slow.
 */

#define PLANT_SENSOR_LAG_MAX_S 300.0
#define PLAN_DT_S              20.0
#define PLAN_N                 900 /* 5 h ahead */
#define PLANT_WALLS            2

struct plant {
	bool ok;
	double g, c1, c0; /* K/s per heater; 1/s; K/s */
	double c2[PLANT_WALLS], c3[PLANT_WALLS], walls_tau_s[PLANT_WALLS];
	double lag_long_s, lag_short_s;
	double heater_lag_s, sensor_lag_s;
	double sure;
};

/* The air's rate towards walls and outdoor (1/s), and its loss rate in the steady state. */
double plant_air_rate(const struct plant *pl);
double plant_loss_rate(const struct plant *pl);

/* A plant from a fit of thermostat-ident.c, as sure as @sure. */
void plant_from_fit(struct plant *pl, const struct ident_fit *f, double sure);

/* The same from, and to, the public struct; from_model returns false if it is out of range. */
bool plant_from_model(struct plant *pl, const struct thermostat_model *m);
void plant_to_model(const struct plant *pl, double margin_c, struct thermostat_model *ret);

/* The indoor-outdoor difference one heater holds at full output (NAN if unknown). */
double plant_max_rise_k(const struct plant *pl);

struct observer {
	bool ok;
	uint64_t t_usec;
	double u, next_u; /* the command in force and the one on its way (delay) */
	uint64_t next_usec;
	double p, ta, ts, b, my[PLANT_WALLS], mo[PLANT_WALLS];
	double cov[3][3]; /* of ta, ts, b */
	double out_c;     /* last known outdoor temperature (NAN: never known) */
};

/* Starts tracking from a reading @y_c at @t_usec: air, sensor and walls at it. */
void observer_start(struct observer *o, uint64_t t_usec, double y_c, double u);

/* Advances to @t_usec (not backwards) along the model. */
void observer_advance(struct observer *o, const struct plant *pl, uint64_t t_usec);

/* The heater command changes to @u at the observer's time. */
void observer_input(struct observer *o, double u);

/* A reading @y_c at the observer's time, the outdoor @out_c (NAN: unknown). */
void observer_update(struct observer *o, const struct plant *pl, double y_c, double out_c);

/* A predicted trajectory, every PLAN_DT_S from now. */
struct plan_resp {
	unsigned n;
	double ta[PLAN_N], ts[PLAN_N];
};

/*
 * The free response from the observer's state: the command as it is for the
 * relay's delay, then off; the outdoor as now.
 */
void plan_free_response(const struct observer *o, const struct plant *pl, unsigned n,
			struct plan_resp *ret);

/* The response to switching one heater on at 0 (from rest, the relay's delay included). */
void plan_step_response(const struct plant *pl, unsigned n, struct plan_resp *ret);

/*
 * The cycle a plain hysteresis of @band_c on the reading around @mid_c would
 * have on this plant, with the walls and outdoor as the observer has them now;
 * reading every @reading_s. INFINITY if the heater cannot get there.
 */
double plan_reference_cycle_s(const struct observer *o, const struct plant *pl, double mid_c,
			      double band_c, double reading_s);
