#pragma once

/*
 * The defaults of sensors/ that the configuration shows too: the reading
 * check, the room's publishing, staleness, sysfs and the bed inputs. The
 * module that does the work and the key table (config/config-keys.c) both
 * read them here, so each has one home.
 *
 * Plain constants: any layer may include this.
 */

/* sysfs (temp-source.c): [room] sysfs_root. */
#define TEMP_SOURCE_DEFAULT_SYSFS_ROOT "/sys"

/* The reading check (reading-check.c): [sensor.NAME] min, max, max_rate, stuck_after. */
#define READING_CHECK_DEFAULT_MIN_MC              (-20000)
#define READING_CHECK_DEFAULT_MAX_MC              60000
#define READING_CHECK_DEFAULT_MAX_RATE_MC_PER_MIN 2000
#define READING_CHECK_DEFAULT_STUCK_USEC          (6 * 3600 * 1000000ULL)

/* A sysfs sensor is stale after this many intervals without a good reading (room-temp.c). */
#define SENSOR_HEALTH_DEFAULT_STALE_INTERVALS 3

/* Re-publishing the room temperature (room-publish.c): [room] publish_step, publish_interval. */
#define ROOM_PUBLISH_DEFAULT_STEP_MC           100
#define ROOM_PUBLISH_DEFAULT_MAX_INTERVAL_USEC (300 * 1000000ULL)

/* A bed input on the broker (bed-payload.c): [input.NAME] payload_on, payload_off. */
#define BED_PAYLOAD_DEFAULT_ON  "ON"
#define BED_PAYLOAD_DEFAULT_OFF "OFF"

/* A bed input on GPIO: [input.NAME] chip. */
#define INPUT_GPIO_DEFAULT_CHIP "gpiochip0"
