#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "sim/room.h"

#define STEP_MAX_S 10.0

struct sim_heater {
	bool command;
	bool relay;
	uint64_t command_usec; /* when the command last changed */
	double power_w;
	unsigned switch_ons;
};

struct sim_room {
	struct sim_room_params p;
	uint64_t time_usec;
	double time_frac_usec; /* sub-microsecond remainder of the steps */
	double air_c;
	double mass_c;
	double sensor_c;
	double energy_j;
	uint64_t rng;
	struct sim_heater heater[SIM_ROOM_HEATERS_MAX];
};

int sim_room_params_init(struct sim_room_params *p, enum sim_room_variant variant)
{
	/* 12 m2 floor, 2.5 m high (30 m3), one 10 m2 outside wall with a 1.5 m2 window. */
	double u_wall = NAN, u_window = NAN, ach = NAN, c_m = 1.98e6, c_a = 180e3;

	switch (variant) {
	case SIM_ROOM_VARIANT_OLDER:
		u_wall = 1.0;
		u_window = 2.8;
		ach = 1.0;
		break;
	case SIM_ROOM_VARIANT_MODERN:
		u_wall = 0.2;
		u_window = 1.1;
		ach = 0.5;
		break;
	case SIM_ROOM_VARIANT_HEAVY: /* 375 kJ/m2K of floor, ISO 13790 "very heavy" */
		u_wall = 1.2;
		u_window = 2.8;
		ach = 1.0;
		c_m = 4.5e6;
		break;
	case SIM_ROOM_VARIANT_TIMBER: /* 60 kJ/m2K, lighter than ISO "very light" */
		u_wall = 0.35;
		u_window = 1.6;
		ach = 0.7;
		c_m = 0.7e6;
		c_a = 150e3;
		break;
	}
	if (isnan(u_wall))
		return -EINVAL;
	*p = (struct sim_room_params){
		/* window + ventilation (air 1200 J/m3K): 4.2 + 10.0 = 14.2 W/K for "older" */
		.h_ao_w_per_k = 1.5 * u_window + 30.0 * ach * 1200.0 / 3600.0,
		.h_mo_w_per_k = 8.5 * u_wall,
		.h_am_w_per_k = 116.2,
		.c_a_j_per_k = c_a,
		.c_m_j_per_k = c_m,
		.n_heaters = 1,
		.relay_delay_usec = 10000000,
		.heater_tau_s = 60.0,
		.sensor_tau_s = 120.0,
		.sensor_noise_c = 0.02,
		.sensor_step_c = 1.0 / 16.0,
		.seed = 1,
		.initial_air_c = 18.0,
		.initial_mass_c = 18.0,
	};
	for (unsigned i = 0; i < SIM_ROOM_HEATERS_MAX; i++)
		p->heater_w[i] = 1500.0;
	return 0;
}

int sim_room_new(const struct sim_room_params *p, struct sim_room **ret)
{
	struct sim_room *r;

	if (p->n_heaters < 1 || p->n_heaters > SIM_ROOM_HEATERS_MAX || !(p->c_a_j_per_k > 0) ||
	    !(p->c_m_j_per_k > 0) || !(p->heater_tau_s > 0) || !(p->sensor_tau_s > 0) ||
	    !(p->sensor_noise_c >= 0) || !(p->sensor_step_c >= 0))
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->p = *p;
	r->air_c = p->initial_air_c;
	r->mass_c = p->initial_mass_c;
	r->sensor_c = p->initial_air_c;
	r->rng = p->seed;
	*ret = r;
	return 0;
}

struct sim_room *sim_room_free(struct sim_room *r)
{
	free(r);
	return NULL;
}

int sim_room_clone(const struct sim_room *r, struct sim_room **ret)
{
	struct sim_room *c = malloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	*c = *r;
	*ret = c;
	return 0;
}

/* splitmix64: small, deterministic, good enough for sensor noise. */
static uint64_t rng_next(struct sim_room *r)
{
	uint64_t z = (r->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in (0, 1). */
static double rng_uniform(struct sim_room *r)
{
	return ((double) (rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_gauss(struct sim_room *r)
{
	double u1 = rng_uniform(r), u2 = rng_uniform(r);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static void step_once(struct sim_room *r, unsigned heater_mask, double to_c, double dt_s)
{
	const struct sim_room_params *p = &r->p;
	double heat_w = 0, d_air, d_mass, d_sensor;

	for (unsigned i = 0; i < p->n_heaters; i++) {
		struct sim_heater *h = &r->heater[i];
		bool cmd = heater_mask & (1u << i);

		if (cmd != h->command) {
			h->command = cmd;
			h->command_usec = r->time_usec;
		}
		if (h->relay != h->command &&
		    r->time_usec - h->command_usec >= p->relay_delay_usec) {
			h->relay = h->command;
			if (h->relay)
				h->switch_ons++;
		}
		heat_w += h->power_w;
	}
	d_air = (p->h_ao_w_per_k * (to_c - r->air_c) + p->h_am_w_per_k * (r->mass_c - r->air_c) +
		 heat_w) /
		p->c_a_j_per_k;
	d_mass = (p->h_am_w_per_k * (r->air_c - r->mass_c) + p->h_mo_w_per_k * (to_c - r->mass_c)) /
		 p->c_m_j_per_k;
	d_sensor = (r->air_c - r->sensor_c) / p->sensor_tau_s;
	r->energy_j += heat_w * dt_s;
	for (unsigned i = 0; i < p->n_heaters; i++) {
		struct sim_heater *h = &r->heater[i];
		double target = h->relay ? p->heater_w[i] : 0.0;

		h->power_w += (target - h->power_w) * fmin(dt_s / p->heater_tau_s, 1.0);
	}
	r->air_c += d_air * dt_s;
	r->mass_c += d_mass * dt_s;
	r->sensor_c += d_sensor * dt_s;
	r->time_frac_usec += dt_s * 1e6;
	r->time_usec += (uint64_t) r->time_frac_usec;
	r->time_frac_usec -= floor(r->time_frac_usec);
}

void sim_room_step_heaters(struct sim_room *r, unsigned heater_mask, double outdoor_c, double dt_s)
{
	while (dt_s > 1e-9) {
		double h = fmin(dt_s, STEP_MAX_S);

		step_once(r, heater_mask, outdoor_c, h);
		dt_s -= h;
	}
}

void sim_room_step(struct sim_room *r, bool heater_on, double outdoor_c, double dt_s)
{
	sim_room_step_heaters(r, heater_on ? 1u : 0u, outdoor_c, dt_s);
}

uint64_t sim_room_time_usec(const struct sim_room *r)
{
	return r->time_usec;
}

double sim_room_true_air_c(const struct sim_room *r)
{
	return r->air_c;
}

double sim_room_mass_c(const struct sim_room *r)
{
	return r->mass_c;
}

double sim_room_sensor_lagged_c(const struct sim_room *r)
{
	return r->sensor_c;
}

double sim_room_sensor_c(struct sim_room *r)
{
	double v = r->sensor_c + r->p.sensor_offset_c + r->p.sensor_noise_c * rng_gauss(r);

	if (r->p.sensor_step_c > 0)
		v = floor(v / r->p.sensor_step_c + 0.5) * r->p.sensor_step_c;
	return v;
}

bool sim_room_relay_on(const struct sim_room *r, unsigned i)
{
	return i < r->p.n_heaters && r->heater[i].relay;
}

double sim_room_heater_w(const struct sim_room *r, unsigned i)
{
	return i < r->p.n_heaters ? r->heater[i].power_w : 0.0;
}

double sim_room_plug_w(const struct sim_room *r, unsigned i)
{
	return i < r->p.n_heaters && r->heater[i].relay ? r->p.heater_w[i] : 0.0;
}

unsigned sim_room_switch_ons(const struct sim_room *r, unsigned i)
{
	return i < r->p.n_heaters ? r->heater[i].switch_ons : 0;
}

double sim_room_energy_j(const struct sim_room *r)
{
	return r->energy_j;
}
