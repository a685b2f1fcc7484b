/* The room model's test loop: see thermostat-loop.h. */
#include "tests/unit/thermostat-loop.h"

#include <math.h>

#include "sim/room.h"
#include "sim/weather.h"
#include "tests/unit/thermostat-rig.h"

void loop_init_stages(struct loop *l, unsigned n, double heater_w, double heater_tau_s,
		      double sensor_tau_s)
{
	struct sim_room_params rp;
	struct thermostat_params p;

	*l = (struct loop){
		.min_air_c = INFINITY, .max_air_c = -INFINITY, .out_c = NAN, .stages = n
	};
	assert_int_equal(sim_weather_load(BENCH_DATA_DIR "/weather_boston.csv", &l->w, NULL), 0);
	assert_int_equal(sim_room_params_init(&rp, SIM_ROOM_VARIANT_OLDER), 0);
	rp.n_heaters = n;
	for (unsigned i = 0; i < n; i++)
		rp.heater_w[i] = heater_w;
	rp.heater_tau_s = heater_tau_s;
	rp.sensor_tau_s = sensor_tau_s;
	assert_int_equal(sim_room_new(&rp, &l->room), 0);
	thermostat_params_init(&p);
	p.n_stages = n;
	assert_int_equal(thermostat_new(&p, &l->t), 0);
	thermostat_input_init(&l->in);
	l->in.day_floor_enabled = true;
	l->in.day_floor_c = 18.0;
}

void loop_init(struct loop *l, double heater_w, double heater_tau_s, double sensor_tau_s)
{
	loop_init_stages(l, 1, heater_w, heater_tau_s, sensor_tau_s);
}

void loop_done(struct loop *l)
{
	l->t = thermostat_free(l->t);
	l->room = sim_room_free(l->room);
	l->w = sim_weather_free(l->w);
}

/* Runs @hours more, 10 s steps, a reading every l->every steps. */
void loop_run(struct loop *l, double hours)
{
	long end = l->k + (long) (hours * 360);

	for (; l->k < end; l->k++) {
		double t_s = (double) l->k * 10;
		uint64_t now = T0 + (uint64_t) l->k * 10 * S;
		double out_c = isnan(l->out_c) ? sim_weather_outdoor_c(l->w, t_s) : l->out_c;
		unsigned mask = 0;

		long every = l->every > 0 ? l->every : 6;

		if (l->k % every == 0) {
			l->in.room_known = true;
			l->in.room_c = l->k == l->glitch_k && l->k > 0 ? l->glitch_c
								       : sim_room_sensor_c(l->room);
			l->in.room_usec = now - ((l->k / every) % 2 ? l->late_usec : 0);
		}
		l->in.outdoor_known = !l->no_outdoor;
		l->in.outdoor_c = l->no_outdoor ? NAN : out_c;
		for (unsigned i = 0; l->confirm && i < l->stages; i++)
			l->in.heater[i].confirmed =
			    l->d.stage[i].on ? THERMOSTAT_CONFIRM_ON : THERMOSTAT_CONFIRM_OFF;
		if (l->k % every == 0 || now >= l->wake) {
			assert_int_equal(thermostat_step(l->t, &l->in, now,
							 (unsigned) ((long) t_s % 86400), &l->d),
					 0);
			l->wake = l->d.next_wakeup_usec;
			l->changes += l->d.model_changed;
			l->over_temp += !!(l->d.alerts_raised & BIT(OVER_TEMPERATURE));
			l->max_on += !!(l->d.stage[0].alerts_raised & BIT(MAX_ON_TIME));
			if (l->k == 0) {
				struct thermostat_learned lr;

				thermostat_get_learned(l->t, &lr);
				l->in_use_at_start = lr.model_in_use;
			}
		}
		for (unsigned i = 0; i < l->stages; i++)
			mask |= l->d.stage[i].on ? 1u << i : 0;
		sim_room_step_heaters(l->room, mask, out_c, 10);
		l->min_air_c = fmin(l->min_air_c, sim_room_true_air_c(l->room));
		l->max_air_c = fmax(l->max_air_c, sim_room_true_air_c(l->room));
		if (l->in.day_floor_enabled
			? sim_room_true_air_c(l->room) < fmin(l->in.floor_c, l->in.day_floor_c)
			: thermostat_in_window((unsigned) ((long) t_s % 86400),
					       l->in.night_start_min, l->in.night_end_min) &&
			      sim_room_true_air_c(l->room) < l->in.floor_c)
			l->below_s += 10;
	}
}
