#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "sensors/sensor-types.h"
#include "sensors/temp-reading.h"

/*
 * Temperature sources read from sysfs (w1, iio, hwmon), behind one ops table
 * and chosen by name: TEMP_SOURCE_TYPES (sensors/sensor-types.h) registers
 * each backend under its name. The `mqtt` type is not a temp_source: the
 * daemon feeds its payloads to temp_payload_parse() (sensors/temp-payload.h).
 *
 * Never blocking the loop. Every sysfs read of a sensor can sleep in the
 * kernel: a DS18B20 conversion takes up to 750 ms and the w1_therm driver
 * sleeps for it inside read() of `w1_slave`/`temperature`, and also inside
 * write() of "trigger" to the bus master's `therm_bulk_read` (trigger_bulk_read()
 * calls msleep_interruptible(t_conv) in the writer's context), so no sysfs
 * access to w1 is non-blocking. The dht11 IIO driver waits up to a second for
 * the sensor's reply inside read(). So the measurement runs in a short-lived
 * child process (fork(), no exec, no threads): temp_source_start() forks it,
 * the child does the blocking reads and writes one fixed-size record (well
 * under PIPE_BUF, so atomic) to a pipe and exits; temp_source_read() reads that
 * record without blocking. The parent never touches sysfs of the sensor itself.
 *
 * Call sequence for the daemon (one sensor, every `interval`):
 *   temp_source_start(s, &conv_usec)
 *   -> add an io source on temp_source_fd(s) (EPOLLIN), and/or a timer at
 *      now + conv_usec; also a timer at now + TEMP_SOURCE_TIMEOUT_USEC
 *   -> on EPOLLIN/timer: temp_source_read(s, &reading):
 *        -EAGAIN: not done yet, keep waiting (until the timeout);
 *        0: check it (reading_check_evaluate());
 *        other -errno: a failed measurement; temp_retry_step() says whether
 *        to start again later in this interval.
 *   -> on timeout: temp_source_cancel(s) and count a failure (-ETIMEDOUT).
 * The io source must be dropped before the next start: the fd changes.
 */

struct temp_source;

/* Give up on a measurement that has not delivered after this long. */
#define TEMP_SOURCE_TIMEOUT_USEC (5ULL * 1000 * 1000)

/* What the configuration says about one sysfs sensor. Strings are borrowed. */
struct temp_source_params {
	const char *type;       /* a name of TEMP_SOURCE_TYPES: "w1", "iio", "hwmon" */
	const char *sysfs_root; /* NULL: TEMP_SOURCE_DEFAULT_SYSFS_ROOT ("/sys") */
	const char *device;     /* w1: "28-0316a2795eff"; NULL: the only 28-* device */
	const char *name;       /* iio, hwmon: the device's `name` attribute */
	const char *path;       /* iio, hwmon: device directory instead of name */
	const char *label;      /* hwmon: tempN_label to pick; NULL: see index */
	unsigned index;         /* hwmon: N of tempN_input; 0: the lowest there is */
};

/*
 * The backend interface. measure() is the only operation that touches the
 * sensor and it may block: it runs in the child (or in temp_source_measure()).
 * Return codes: 0, or -errno; -ENOENT/-ENODEV when the device has gone, -EIO
 * when the driver failed (DHT: often, retry), -ENODATA when the driver returned
 * nothing (w1_therm does this for a failed conversion), -EBADMSG for text that
 * does not parse, -EFBIG for a file larger than any valid value.
 */
struct temp_source_ops {
	uint64_t conversion_usec; /* typical time from start to a value */
	unsigned retries;         /* default retries within one interval */
	uint64_t retry_delay_usec;
	/*
	 * Finds the device (@p->sysfs_root is set). On failure may set
	 * *ret_error to a malloc'd message.
	 */
	int (*open)(const struct temp_source_params *p, void **ret_data, char **ret_error);
	int (*measure)(void *data, struct temp_reading *ret);
	/* Accepts NULL, returns NULL. */
	void *(*close)(void *data);
	/* The sysfs file or directory open() found, for the log (owned by @data); may be NULL. */
	const char *(*device)(const void *data);
};

/* The ops table registered for @type, or NULL for an unknown type. */
const struct temp_source_ops *temp_source_ops_find(const char *type);

/*
 * Finds the device described by @p (no measurement yet). Returns 0 and a new
 * source in *ret, or -EINVAL (unknown type, missing key), -ENODEV (no such
 * device), -ENOTUNIQ (discovery found several), -errno; on failure *ret_error
 * may be set to a malloc'd message for the log, which the caller frees.
 */
int temp_source_new(const struct temp_source_params *p, struct temp_source **ret, char **ret_error);

/*
 * Kills a running measurement (reaped if already gone; never waited for), frees
 * @s. Accepts NULL, returns NULL.
 */
struct temp_source *temp_source_free(struct temp_source *s);

/* The backend's ops, for its defaults (retries, conversion_usec). */
const struct temp_source_ops *temp_source_get_ops(const struct temp_source *s);

/*
 * The sysfs path temp_source_new() found the device at (owned by @s), for the
 * log: a device found by discovery says which one; NULL if the backend does not say.
 */
const char *temp_source_device(const struct temp_source *s);

/*
 * Starts a measurement in a child process. Returns 0 and, in
 * *ret_conversion_usec, how long it usually takes; -EBUSY if the previous one
 * is still running; -errno if pipe()/fork() failed.
 */
int temp_source_start(struct temp_source *s, uint64_t *ret_conversion_usec);

/* The fd that becomes readable when the measurement is done; -EBADF when none runs. */
int temp_source_fd(const struct temp_source *s);

/*
 * Collects the result without blocking. Returns 0 and *ret; -EAGAIN while the
 * child is still measuring; -ECHILD if no measurement was started; -EPIPE if
 * the child died without an answer; or the backend's -errno.
 */
int temp_source_read(struct temp_source *s, struct temp_reading *ret);

/* Abandons a running measurement (kills the child). Harmless when none runs. */
void temp_source_cancel(struct temp_source *s);

/*
 * Measures in the calling process, blocking up to a second. For tests, tools
 * and --check-config; never from the daemon's loop. Returns like measure().
 */
int temp_source_measure(struct temp_source *s, struct temp_reading *ret);

/* Backends, one file each, registered by their line in TEMP_SOURCE_TYPES. */
#define TEMP_SOURCE_OPS_(id, name) extern const struct temp_source_ops temp_##name##_ops;
TEMP_SOURCE_TYPES(TEMP_SOURCE_OPS_)
#undef TEMP_SOURCE_OPS_
