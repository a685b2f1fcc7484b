#pragma once

/*
 * The thermostat's defaults that the configuration shows too: the [heating]
 * keys. thermostat_params_init() and the key table (config/config-keys.c)
 * both read them here, so each has one home. The plug's "no heat below this
 * power" test is the thermostat's no-effect test, so actuators/ reads those
 * two from here as well.
 *
 * Plain constants: any layer may include this.
 */

#define THERMOSTAT_DEFAULT_FLOOR_C          18.0 /* the night floor */
#define THERMOSTAT_DEFAULT_NIGHT_START_MIN  (22 * 60)
#define THERMOSTAT_DEFAULT_NIGHT_END_MIN    (7 * 60)
#define THERMOSTAT_DEFAULT_MIN_ON_USEC      (120 * 1000000ULL)
#define THERMOSTAT_DEFAULT_MIN_OFF_USEC     (180 * 1000000ULL)
#define THERMOSTAT_DEFAULT_MAX_ON_USEC      (6 * 3600 * 1000000ULL)
#define THERMOSTAT_DEFAULT_OVERHEAT_C       26.0
#define THERMOSTAT_DEFAULT_FALLBACK_DUTY    0.0 /* off while the temperature is unknown */
#define THERMOSTAT_DEFAULT_NO_EFFECT_USEC   (45 * 60 * 1000000ULL)
#define THERMOSTAT_DEFAULT_PREHEAT_MAX_USEC (4 * 3600 * 1000000ULL)

/*
 * The outdoor temperature is not used older than this (daemon/heating-outdoor.c):
 * a weather sensor that died in the mild afternoon would start the evening's
 * pre-heat late and teach the model a false loss. Outdoor thermometers publish
 * every few minutes (zigbee2mqtt on a change of a few tenths, at least hourly
 * by its reporting interval), a weather service's entity hourly: three hours
 * are two such hours missed, and the outdoor temperature moves a few kelvin in
 * that time.
 */
#define THERMOSTAT_DEFAULT_OUTDOOR_MAX_AGE_USEC (3 * 3600 * 1000000ULL)

/* over_temperature clears this far below overheat: a floor must stay above it (config-check.c). */
#define THERMOSTAT_OVERHEAT_HYSTERESIS_C 1.0

/* Confirmed on, drawing less than this for this long: no heat. */
#define THERMOSTAT_DEFAULT_NO_EFFECT_POWER_W    20.0
#define THERMOSTAT_DEFAULT_NO_EFFECT_POWER_USEC (120 * 1000000ULL)

/*
 * Readings further apart than this on average (a Tasmota's TelePeriod of 5
 * minutes): the room model is never sure of a room learned from them
 * (thermostat-learn.c; from readings 5 minutes apart its heater came out 28 %
 * too weak), and the fallback band decides, unless a model learned before is
 * kept. The daemon says so once for a thermometer whose readings keep coming
 * further apart (daemon/room.c).
 */
#define THERMOSTAT_SPARSE_READINGS_USEC (200 * 1000000ULL)

/*
 * The room model never holds a heater on with the estimated air this far above
 * what it aims at (thermostat-plan.c): a model that wants to is wrong about the
 * room (one kept in the store, restored with a heater 5 times too weak, held
 * the air 6 to 8 K above, at the over-temperature cut-off again and again), and
 * it is put on trial (thermostat-learn.c). A right one comes close: while
 * heating, the true air runs ahead of the reading by the heating rate times the
 * sensor's lag, up to 30 K/h (1500 W into the 180 kJ/K of air of the default
 * bedroom) times the 5 min a sensor may lag, 2.5 K; and while the walls
 * recover from a setback the plan holds the reading up to about 1 K above the
 * aim (cold walls pull the air down fast once the heater stops). The bench's
 * highest: 3.6 K. With the default floor a wrong model stops at about 23.3 C.
 */
#define THERMOSTAT_MODEL_HOT_C 5.0
