#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "control/thermostat.h"
#include "sensors/room-sensors.h"

/*
 * The path of a room reading to a heating decision, in the one place the
 * daemon (daemon/room.c, daemon/heating.c) and the programs that judge it
 * (bench/, tools/thermostat-cil, through heating-replay.h) share: what the
 * configuration makes of a sensor's checks and health and of the thermostat's
 * parameters, how a room reading becomes the thermostat's input (at the time
 * it was taken), and the decision itself.
 *
 * Pure: no clock, no I/O, no logging. A small library of its own
 * (bedroomd-heating-path) so that the benchmarks link it without the loop.
 */

/* The checks and health of one [sensor.NAME], as the room's tracker applies them. */
void heating_path_sensor_params(const struct config_sensor *cfg, struct room_sensor_params *ret);

/*
 * The room's tracker for every [sensor.NAME] of @c, combined as [room]
 * aggregate says, from @now_usec. Returns 0 (*ret NULL when @c has no
 * sensors) or -ENOMEM.
 */
int heating_path_sensors_new(const struct config *c, uint64_t now_usec, struct room_sensors **ret);

/*
 * The thermostat's parameters for @c deciding for @n_stages heaters (its
 * first [heater.NAME] sections): [heating], the longest stale_after of the
 * sensors, the lowest min_power of those heaters.
 */
void heating_path_params(const struct config *c, unsigned n_stages, struct thermostat_params *ret);

/* A fresh input with what [heating] fixes: mode and floor as configured, night, day floor. */
void heating_path_input_init(const struct config_heating *c, struct thermostat_input *ret);

/* A room reading that is news (room_sensors' result) into @in, at the time it was taken. */
void heating_path_reading(struct thermostat_input *in, const struct room_reading *reading);

/* The outdoor thermometer said @mc millidegrees. */
void heating_path_outdoor(struct thermostat_input *in, int32_t mc);

/*
 * The second of the day to decide at while the wall clock is not known to be
 * set (a Pi without a clock chip before NTP): any hour may be the night.
 */
#define HEATING_PATH_CLOCK_UNSET UINT32_MAX

/*
 * One decision: thermostat_step() at @now_usec (CLOCK_MONOTONIC) and the local
 * second of the day @sec_of_day. With HEATING_PATH_CLOCK_UNSET it decides as
 * at the night's start holding the higher of floor and day_floor: never colder
 * than either schedule would be at this hour, whichever hour it is. Should the thermostat refuse
 * its inputs (it never does with a good clock), @ret says every heater off and to ask again a
 * minute later. Returns thermostat_step()'s result; @ret is filled either way.
 */
int heating_path_decide(struct thermostat *t, const struct thermostat_input *in, unsigned n_stages,
			uint64_t now_usec, unsigned sec_of_day, struct thermostat_decision *ret);
