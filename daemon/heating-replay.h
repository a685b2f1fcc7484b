#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "control/thermostat.h"
#include "sensors/reading-check.h"
#include "sensors/temp-reading.h"

/*
 * The daemon's path from a timed raw reading to a heating decision, without
 * its loop: for the benchmarks (bench/bench-ctl.c) and bedroomd-thermostat-cil.
 * It does what daemon/room.c and daemon/heating.c do between the sensor and
 * the plug, with the same code (heating-path.h): each raw reading through the
 * checks and health the configuration gives its sensor (room_sensors_offer()),
 * only news into the thermostat's input, at the time it was taken, a look at
 * the sensors' health when it is due, and a decision on every news and at
 * every wake-up the thermostat asked for.
 *
 * What the daemon has and this has not: the bed inputs (unknown here) and the
 * plugs' power; their confirmations only with heating_replay_plug_confirms()
 * (else unknown: as a plug that does not report). Pure: the caller gives the
 * time.
 */

struct heating_replay;

/*
 * A thermostat for @c's [heating] and sensors (@c needs at least one
 * [sensor.NAME]), deciding for one heater, from unlearned defaults; @c is
 * borrowed and must outlive the replay. Returns 0, -EINVAL (no sensor, or
 * parameters the thermostat refuses) or -ENOMEM.
 */
int heating_replay_new(const struct config *c, struct heating_replay **ret);

/* Accepts NULL; returns NULL. */
struct heating_replay *heating_replay_free(struct heating_replay *r);

/*
 * The plug answers each command before the next moment (a Tasmota or Shelly on
 * the LAN answers within a second): from then on every decision has its word,
 * the last command (off before the first), as heating_fill_inputs() gives the
 * daemon's.
 */
void heating_replay_plug_confirms(struct heating_replay *r, bool confirms);

/*
 * One moment at @now_usec (CLOCK_MONOTONIC; never earlier than the last),
 * local second of the day @sec_of_day: sensor @sensor's raw @reading taken
 * now (NULL: none), the outdoor temperature @outdoor_mc (NULL: none new).
 * Decides when the reading is news, when a sensor went stale or came back,
 * or when the thermostat asked to be woken by now. Returns 1 when it decided
 * (see heating_replay_decision()), 0 if nothing was due, -EINVAL for a time
 * going backwards or a sensor that does not exist (the heater then stays as
 * it was told last: the caller switches it off).
 */
int heating_replay_at(struct heating_replay *r, uint64_t now_usec, unsigned sec_of_day,
		      size_t sensor, const struct temp_reading *reading, const int32_t *outdoor_mc);

/* The last decision (all off before the first). */
const struct thermostat_decision *heating_replay_decision(const struct heating_replay *r);

/* The thermostat's input as the daemon would have it now (the room reading, its time). */
const struct thermostat_input *heating_replay_input(const struct heating_replay *r);

/* The thermostat, for what it learned (thermostat_get_learned(), _model_get()). */
struct thermostat *heating_replay_thermostat(struct heating_replay *r);

/* The checks' verdict on the last raw reading offered (OK before the first). */
enum reading_check_verdict heating_replay_verdict(const struct heating_replay *r);

/* How many decisions said model_changed. */
unsigned heating_replay_model_changes(const struct heating_replay *r);
