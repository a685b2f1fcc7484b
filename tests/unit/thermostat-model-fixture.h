#pragma once

/*
 * A learned room model, as the tests that keep, restore, judge or hand one on
 * use it (test-thermostat-keep.c, test-heating-model.c, test-heating-relays.c,
 * tests/integration/test-learned.c): a room like the default bedroom, its
 * heater's gain @gain K/h, as sure as @sure. The numbers are exact in binary,
 * so a model written as text and read back compares equal.
 */
#include "control/thermostat.h"

static inline struct thermostat_model test_model(double gain, double sure)
{
	return (struct thermostat_model){
		.version = THERMOSTAT_MODEL_VERSION,
		.gain_k_per_h = gain,
		.lag_long_s = 150,
		.lag_short_s = 120,
		.out_per_h = 0.35,
		.walls_per_h = { 2.5, 1.25 },
		.walls_share = { 0.75, 0.5 },
		.walls_tau_s = { 3600, 36000 },
		.sure = sure,
		.margin_c = 0.0625,
	};
}
