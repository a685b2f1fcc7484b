#pragma once
/*
 * The thermostat on a test rig: inputs, a clock and a step, shared by the
 * thermostat's unit tests (floor control, safety, pre-heat and learning).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "control/thermostat.h"

#define S        1000000ULL
#define MIN      (60 * S)
#define H        (60 * MIN)
#define AT(h, m) ((unsigned) ((h) *3600 + (m) *60))
#define BIT(a)   THERMOSTAT_ALERT_BIT(THERMOSTAT_ALERT_##a)
#define T0       (1000 * S) /* monotonic time of the first step: not 0 */

/* A thermostat and its inputs, stepped with one reading a minute from a start time. */
struct rig {
	struct thermostat *t;
	struct thermostat_input in;
	struct thermostat_decision d;
	uint64_t now_usec;
	unsigned sec0; /* second of the day at now_usec == 0 */
};

/* @p NULL: the defaults. The day floor is on at 18 °C, so the floor holds all day. */
void rig_init(struct rig *g, const struct thermostat_params *p, unsigned sec0);
void rig_done(struct rig *g);
/* The second of the day now. */
unsigned rig_sec(const struct rig *g);
/* Steps at the current time without a new reading. */
void rig_tick(struct rig *g);
/* A reading of @c at the current time, a step, then the clock moves on by @adv_usec. */
void rig_read(struct rig *g, double c, uint64_t adv_usec);
/* Steady readings of @c for @n minutes. */
void rig_hold(struct rig *g, double c, unsigned n);
