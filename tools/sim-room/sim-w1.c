/* The fake DS18B20 of the simulated room. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/sim-room/sim-w1.h"

/* printf into a PATH_MAX buffer: 0, or -ENAMETOOLONG. */
__attribute__((format(printf, 2, 3))) static int path(char buf[PATH_MAX], const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

static int mkdir_p(const char *dir)
{
	char buf[PATH_MAX];

	if (path(buf, "%s", dir) < 0)
		return -ENAMETOOLONG;
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int sim_w1_plug(const char *sysfs, const char *device)
{
	char dir[PATH_MAX], link[PATH_MAX], target[PATH_MAX];
	int r;

	if (path(dir, "%s/devices/w1_bus_master1/%s", sysfs, device) < 0 ||
	    path(link, "%s/bus/w1/devices/%s", sysfs, device) < 0 ||
	    path(target, "../../../devices/w1_bus_master1/%s", device) < 0)
		return -ENAMETOOLONG;
	r = mkdir_p(dir);
	if (r < 0)
		return r;
	if (path(dir, "%s/bus/w1/devices", sysfs) < 0)
		return -ENAMETOOLONG;
	r = mkdir_p(dir);
	if (r < 0)
		return r;
	if (symlink(target, link) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int sim_w1_unplug(const char *sysfs, const char *device)
{
	char link[PATH_MAX];

	if (path(link, "%s/bus/w1/devices/%s", sysfs, device) < 0)
		return -ENAMETOOLONG;
	return unlink(link) < 0 && errno != ENOENT ? -errno : 0;
}

/* Dallas/Maxim CRC-8 (polynomial x^8 + x^5 + x^4 + 1, reflected). */
static uint8_t crc8(const uint8_t *data, size_t len)
{
	uint8_t crc = 0;

	for (size_t i = 0; i < len; i++) {
		crc ^= data[i];
		for (int b = 0; b < 8; b++)
			crc = crc & 1 ? (uint8_t) ((crc >> 1) ^ 0x8c) : (uint8_t) (crc >> 1);
	}
	return crc;
}

int sim_w1_write(const char *sysfs, const char *device, int32_t mc)
{
	char file[PATH_MAX], tmp[PATH_MAX], pad[40];
	int16_t raw;
	uint8_t s[9] = { 0, 0, 0x4b, 0x46, 0x7f, 0xff, 0x01, 0x10, 0 };
	FILE *f;
	int n;

	raw = (int16_t) lround(mc / 62.5);
	s[0] = (uint8_t) ((uint16_t) raw & 0xff);
	s[1] = (uint8_t) ((uint16_t) raw >> 8);
	s[8] = crc8(s, 8);
	n = 0;
	for (int i = 0; i < 9; i++)
		n += snprintf(pad + n, sizeof(pad) - (size_t) n, "%02x ", s[i]);
	if (path(file, "%s/devices/w1_bus_master1/%s/w1_slave", sysfs, device) < 0 ||
	    path(tmp, "%s.tmp", file) < 0)
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "%s: crc=%02x YES\n%st=%d\n", pad, s[8], pad, raw * 1000 / 16);
	if (fclose(f) != 0)
		return -errno;
	return rename(tmp, file) < 0 ? -errno : 0;
}
