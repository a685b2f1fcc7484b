/*
 * libFuzzer harness: what the kernel's sysfs files hold is outside input (a
 * driver's bug, a wrong device, a file that changed between two reads). The
 * input is split at 0xff bytes into the contents of the files of a fake sysfs
 * tree: a 1-Wire thermometer (w1_slave, temperature), an hwmon device (name,
 * temp1_label, temp1_input) and an IIO device (name, in_temp_input,
 * in_temp_raw, in_temp_offset, in_temp_scale). The first byte's bits say which
 * files exist. Each backend then finds its device and measures, in this
 * process, as --check-config does; the strict parsers also get the whole input.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sensors/sysfs-read.h"
#include "sensors/temp-iio.h"
#include "sensors/temp-source.h"
#include "sensors/temp-w1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	W1_SLAVE,
	W1_TEMPERATURE,
	HWMON_NAME,
	HWMON_LABEL,
	HWMON_INPUT,
	IIO_NAME,
	IIO_INPUT,
	IIO_RAW,
	IIO_OFFSET,
	IIO_SCALE,
	N_FILES,
};

static const char *const file_paths[N_FILES] = {
	[W1_SLAVE] = "bus/w1/devices/28-0316a2795eff/w1_slave",
	[W1_TEMPERATURE] = "bus/w1/devices/28-0316a2795eff/temperature",
	[HWMON_NAME] = "class/hwmon/hwmon0/name",
	[HWMON_LABEL] = "class/hwmon/hwmon0/temp1_label",
	[HWMON_INPUT] = "class/hwmon/hwmon0/temp1_input",
	[IIO_NAME] = "bus/iio/devices/iio:device0/name",
	[IIO_INPUT] = "bus/iio/devices/iio:device0/in_temp_input",
	[IIO_RAW] = "bus/iio/devices/iio:device0/in_temp_raw",
	[IIO_OFFSET] = "bus/iio/devices/iio:device0/in_temp_offset",
	[IIO_SCALE] = "bus/iio/devices/iio:device0/in_temp_scale",
};

static char root[PATH_MAX];

static void make_dirs(void)
{
	static const char *const dirs[] = {
		"bus",
		"bus/w1",
		"bus/w1/devices",
		"bus/w1/devices/28-0316a2795eff",
		"class",
		"class/hwmon",
		"class/hwmon/hwmon0",
		"bus/iio",
		"bus/iio/devices",
		"bus/iio/devices/iio:device0",
	};
	char path[PATH_MAX];
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof(root), "%s/fuzz-sysfs-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		abort();
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			abort();
	}
}

static void put_file(unsigned i, bool exists, const uint8_t *data, size_t size)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, file_paths[i]);
	if (!exists) {
		(void) unlink(path);
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t) size)
		abort();
	close(fd);
}

static void measure(const struct temp_source_params *p)
{
	struct temp_source *s = NULL;
	struct temp_reading reading;
	char *error = NULL;

	if (temp_source_new(p, &s, &error) == 0)
		(void) temp_source_measure(s, &reading);
	temp_source_free(s);
	free(error);
}

static void parse_whole(const uint8_t *data, size_t size)
{
	struct temp_reading reading;
	char *text = malloc(size + 1);
	double d;
	int64_t v;
	int32_t mc;

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	(void) temp_w1_parse_slave(text, &reading);
	if (sysfs_parse_int(text, &v) == 0)
		(void) temp_iio_from_raw(v, 0.5, 1000.0, &mc);
	if (sysfs_parse_decimal(text, &d) == 0)
		(void) temp_iio_from_raw(INT64_MAX, d, d, &mc);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	unsigned missing;

	if (!root[0])
		make_dirs();
	parse_whole(data, size);
	if (size < 2)
		return 0;
	/* Bits of the first two bytes: which files are missing. */
	missing = data[0] | (unsigned) data[1] << 8;
	p += 2;
	for (unsigned i = 0; i < N_FILES; i++) {
		const uint8_t *sep = p < end ? memchr(p, 0xff, (size_t) (end - p)) : NULL;
		const uint8_t *stop = sep ? sep : end;

		put_file(i, !(missing & 1U << i), p, (size_t) (stop - p));
		p = sep ? sep + 1 : end;
	}

	measure(&(struct temp_source_params){ .type = "w1", .sysfs_root = root });
	measure(&(struct temp_source_params){
	    .type = "hwmon", .sysfs_root = root, .name = "fuzzmon", .label = "ambient" });
	measure(
	    &(struct temp_source_params){ .type = "hwmon", .sysfs_root = root, .name = "fuzzmon" });
	measure(&(struct temp_source_params){ .type = "iio", .sysfs_root = root, .name = "dht11" });
	return 0;
}
