#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * A simulated bedroom: the 2R2C model of ../shared/sim/room-model.md (air node
 * and thermal-mass node, explicit Euler), electric heaters on smart plugs (a
 * command-to-relay delay, then output following the relay through a first-order
 * lag) and a DS18B20-like sensor (first-order lag, Gaussian noise from a seeded
 * deterministic generator, rounded to 1/16 °C).
 *
 *     C_a dTa/dt = H_ao (To - Ta) + H_am (Tm - Ta) + P_heat
 *     C_m dTm/dt = H_am (Ta - Tm) + H_mo (To - Tm)
 *
 * Pure computation: no clock, no I/O, no globals. The room keeps its own
 * simulated time, advanced by sim_room_step().
 */

#define SIM_ROOM_HEATERS_MAX 4

enum sim_room_variant {
	SIM_ROOM_VARIANT_OLDER,  /* U_wall 1.0, U_window 2.8, 1 ach: UA 22.1 W/K */
	SIM_ROOM_VARIANT_MODERN, /* U_wall 0.2, U_window 1.1, 0.5 ach: UA 8.3 W/K */
	SIM_ROOM_VARIANT_HEAVY,  /* solid masonry: U_wall 1.2, 1 ach, walls 4.5 MJ/K: UA 23.4 */
	SIM_ROOM_VARIANT_TIMBER, /* light timber frame: U_wall 0.35, U_window 1.6, 0.7 ach,
				  * walls 0.7 MJ/K, air 150 kJ/K: UA 11.6 W/K */
};

struct sim_room_params {
	double h_ao_w_per_k;                   /* air to outdoor: window and ventilation */
	double h_mo_w_per_k;                   /* mass to outdoor: opaque wall */
	double h_am_w_per_k;                   /* air to mass */
	double c_a_j_per_k;                    /* air (and furniture surface) */
	double c_m_j_per_k;                    /* walls and furniture */
	unsigned n_heaters;                    /* 1 */
	double heater_w[SIM_ROOM_HEATERS_MAX]; /* 1500 W each */
	uint64_t relay_delay_usec;             /* command to relay: 10 s */
	double heater_tau_s;                   /* output lag: 60 s */
	double sensor_tau_s;                   /* 120 s */
	double sensor_noise_c;                 /* sigma: 0.02 */
	double sensor_step_c;                  /* resolution: 1/16 */
	double sensor_offset_c;                /* added to every reading: 0 */
	uint64_t seed;                         /* noise generator seed: 1 */
	double initial_air_c;                  /* 18.0 */
	double initial_mass_c;                 /* 18.0 */
};

/* Fills @p with the constants of @variant. Returns 0 or -EINVAL. */
int sim_room_params_init(struct sim_room_params *p, enum sim_room_variant variant);

struct sim_room;

/* Creates a room at time 0 with every heater off; @p is copied. Returns 0, -EINVAL, -ENOMEM. */
int sim_room_new(const struct sim_room_params *p, struct sim_room **ret);

/* Frees @r; accepts NULL; returns NULL. */
struct sim_room *sim_room_free(struct sim_room *r);

/* A copy of @r in its present state (to try what full power would do). Returns 0 or -ENOMEM. */
int sim_room_clone(const struct sim_room *r, struct sim_room **ret);

/*
 * Advances the room by @dt_s seconds (10 s is the step the model is judged
 * with; larger steps are split into steps of at most 10 s) with heater 0
 * commanded @heater_on and the outdoor temperature @outdoor_c. The relay
 * follows the command after the relay delay.
 */
void sim_room_step(struct sim_room *r, bool heater_on, double outdoor_c, double dt_s);

/* The same for several heaters: bit i of @heater_mask commands heater i on. */
void sim_room_step_heaters(struct sim_room *r, unsigned heater_mask, double outdoor_c, double dt_s);

/* Simulated time since creation. */
uint64_t sim_room_time_usec(const struct sim_room *r);

double sim_room_true_air_c(const struct sim_room *r);
double sim_room_mass_c(const struct sim_room *r);

/* The sensor's lagged temperature, without noise or rounding. */
double sim_room_sensor_lagged_c(const struct sim_room *r);

/* Takes one sensor reading: lagged temperature plus noise, rounded to the sensor's step. */
double sim_room_sensor_c(struct sim_room *r);

/* Relay state of heater @i (false for a heater that does not exist). */
bool sim_room_relay_on(const struct sim_room *r, unsigned i);

/* Heat output of heater @i now, in W. */
double sim_room_heater_w(const struct sim_room *r, unsigned i);

/*
 * What a plug's meter reads for heater @i now, in W: its rated power while the
 * relay is on, 0 when off (an oil radiator's heat lags its relay; its draw does not).
 */
double sim_room_plug_w(const struct sim_room *r, unsigned i);

/* Relay off-to-on transitions of heater @i since creation. */
unsigned sim_room_switch_ons(const struct sim_room *r, unsigned i);

/* Heat delivered by all heaters since creation, in J. */
double sim_room_energy_j(const struct sim_room *r);
