/*
 * iio: DHT22/AM2302 (dht11 driver), BME280/BMP280 (bmp280 driver) and other
 * IIO temperature channels. The value is `in_temp_input` in millidegrees, or,
 * when the driver has no processed channel, (in_temp_raw + in_temp_offset) *
 * in_temp_scale, also millidegrees (IIO ABI). The dht11 driver blocks in read()
 * up to a second and fails often with EIO (bad timing, bad checksum): that
 * -EIO is passed on, and the caller retries (sensors/temp-retry.h).
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sensors/sysfs-find.h"
#include "sensors/sysfs-read.h"
#include "sensors/temp-iio.h"
#include "sensors/temp-source.h"

struct temp_iio {
	char dir[PATH_MAX];
};

static int iio_open(const struct temp_source_params *p, void **ret_data, char **ret_error)
{
	const char *root = p->sysfs_root;
	struct temp_iio *io;
	struct stat st;
	int r;

	if (!p->name == !p->path)
		return -EINVAL; /* exactly one of name= and path= */
	io = calloc(1, sizeof(*io));
	if (!io)
		return -ENOMEM;
	if (p->path)
		r = sysfs_path(io->dir, sizeof(io->dir), "%s", p->path);
	else {
		char classdir[PATH_MAX];

		r = sysfs_path(classdir, sizeof(classdir), "%s/bus/iio/devices", root);
		if (r == 0)
			r = sysfs_find_by_name(classdir, "iio:device", p->name, io->dir,
					       sizeof(io->dir), ret_error);
		if (r == -ENODEV &&
		    asprintf(ret_error, "no IIO device named '%s' in '%s'", p->name, classdir) < 0)
			*ret_error = NULL;
	}
	if (r == 0 && (stat(io->dir, &st) < 0 || !S_ISDIR(st.st_mode)))
		r = -ENODEV;
	if (r < 0) {
		free(io);
		return r;
	}
	*ret_data = io;
	return 0;
}

/* Reads an optional decimal attribute; @fallback when it does not exist. */
static int read_optional(const char *dir, const char *attr, double fallback, double *ret)
{
	char path[PATH_MAX];
	int r;

	r = sysfs_path(path, sizeof(path), "%s/%s", dir, attr);
	if (r < 0)
		return r;
	r = sysfs_read_decimal(path, ret);
	if (r == -ENOENT) {
		*ret = fallback;
		return 0;
	}
	return r;
}

int temp_iio_from_raw(int64_t raw, double offset, double scale, int32_t *ret_mc)
{
	double mc = ((double) raw + offset) * scale;

	assert(ret_mc);
	if (!isfinite(mc) || mc < INT32_MIN || mc > INT32_MAX)
		return -ERANGE;
	*ret_mc = (int32_t) lround(mc);
	return 0;
}

static int iio_measure(void *data, struct temp_reading *ret)
{
	const struct temp_iio *io = data;
	char path[PATH_MAX];
	double offset, scale;
	int32_t mc;
	int64_t v;
	int r;

	r = sysfs_path(path, sizeof(path), "%s/in_temp_input", io->dir);
	if (r < 0)
		return r;
	r = sysfs_read_int(path, &v);
	if (r == 0) {
		if (v < INT32_MIN || v > INT32_MAX)
			return -ERANGE;
		*ret = (struct temp_reading){ .value_mc = (int32_t) v };
		return 0;
	}
	if (r != -ENOENT)
		return r;
	r = sysfs_path(path, sizeof(path), "%s/in_temp_raw", io->dir);
	if (r < 0)
		return r;
	r = sysfs_read_int(path, &v);
	if (r < 0)
		return r;
	r = read_optional(io->dir, "in_temp_offset", 0.0, &offset);
	if (r < 0)
		return r;
	r = read_optional(io->dir, "in_temp_scale", 1.0, &scale);
	if (r < 0)
		return r;
	r = temp_iio_from_raw(v, offset, scale, &mc);
	if (r < 0)
		return r;
	*ret = (struct temp_reading){ .value_mc = mc };
	return 0;
}

static void *iio_close(void *data)
{
	free(data);
	return NULL;
}

static const char *iio_device(const void *data)
{
	const struct temp_iio *io = data;

	return io->dir;
}

const struct temp_source_ops temp_iio_ops = {
	/* dht11: 18 ms start pulse plus ~5 ms of data; bmp280: one I2C burst. */
	.conversion_usec = 100ULL * 1000,
	/* DHT reads fail often; the sensor wants two seconds between reads. */
	.retries = 3,
	.retry_delay_usec = 2100ULL * 1000,
	.open = iio_open,
	.measure = iio_measure,
	.close = iio_close,
	.device = iio_device,
};
