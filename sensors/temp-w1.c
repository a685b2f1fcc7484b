/*
 * w1: DS18B20 (family 28) through the kernel's w1-gpio and w1_therm drivers.
 *
 * measure() runs in temp_source's child process, because every step blocks:
 *  1. Bulk read, when the bus master has `therm_bulk_read` (Linux 5.10+) and we
 *     may write it: "trigger" starts one conversion on every sensor of the bus
 *     (with the strong pull-up that parasite power needs) and the write sleeps
 *     for the conversion time; afterwards `w1_slave` only reads the scratchpad.
 *  2. Fallback, when it is missing or not writable (it is 0664 root): reading
 *     `w1_slave` converts this one sensor and sleeps for it (750 ms at 12 bit).
 * Either way the loop does not block: the child does. We read `w1_slave`, not
 * `temperature`, because only it shows the CRC verdict and the raw scratchpad;
 * `temperature` (millidegrees) is read when `w1_slave` is absent.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sensors/sysfs-read.h"
#include "sensors/temp-source.h"
#include "sensors/temp-w1.h"

struct temp_w1 {
	char w1_slave[PATH_MAX];
	char temperature[PATH_MAX];
	char bulk[PATH_MAX];
};

static bool is_ds18b20(const char *name)
{
	return strncmp(name, "28-", 3) == 0 && name[3] != '\0';
}

static bool valid_device_name(const char *name)
{
	return name[0] != '\0' && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       !strchr(name, '/');
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Finds the only 28-* device in @dir and copies its name into @buf. */
static int w1_discover(const char *dir, char *buf, size_t size, char **ret_error)
{
	char *names[8], *list = NULL;
	size_t n = 0, total = 0, listlen;
	struct dirent *de;
	FILE *f;
	int r;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		r = -errno;
		if (asprintf(ret_error, "cannot open '%s': %s (is dtoverlay=w1-gpio loaded?)", dir,
			     strerror(-r)) < 0)
			*ret_error = NULL;
		return r == -ENOENT ? -ENODEV : r;
	}
	while ((de = readdir(d)))
		if (is_ds18b20(de->d_name)) {
			if (n < sizeof(names) / sizeof(names[0]))
				names[n++] = strdup(de->d_name);
			total++;
		}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		if (!names[i]) {
			r = -ENOMEM;
			goto out;
		}
	qsort(names, n, sizeof(names[0]), cmp_names);
	if (total == 1) {
		r = snprintf(buf, size, "%s", names[0]) >= (int) size ? -ENAMETOOLONG : 0;
		goto out;
	}
	f = open_memstream(&list, &listlen);
	if (f) {
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%s'%s'", i ? ", " : "", names[i]);
		if (total > n)
			fprintf(f, ", ...");
		fclose(f);
	}
	if (total == 0)
		r = asprintf(ret_error, "no DS18B20 (28-*) found in '%s'", dir);
	else
		r = asprintf(ret_error, "%zu DS18B20 found in '%s' (%s): set device= to one", total,
			     dir, list ? list : "");
	if (r < 0)
		*ret_error = NULL;
	r = total == 0 ? -ENODEV : -ENOTUNIQ;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(list);
	return r;
}

static int w1_open(const struct temp_source_params *p, void **ret_data, char **ret_error)
{
	const char *root = p->sysfs_root;
	char dir[PATH_MAX], name[NAME_MAX + 1], devdir[PATH_MAX];
	struct temp_w1 *w;
	struct stat st;
	int r;

	r = sysfs_path(dir, sizeof(dir), "%s/bus/w1/devices", root);
	if (r < 0)
		return r;
	if (p->device) {
		if (!valid_device_name(p->device))
			return -EINVAL;
		r = sysfs_path(name, sizeof(name), "%s", p->device);
	} else
		r = w1_discover(dir, name, sizeof(name), ret_error);
	if (r < 0)
		return r;
	r = sysfs_path(devdir, sizeof(devdir), "%s/%s", dir, name);
	if (r < 0)
		return r;
	if (stat(devdir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (asprintf(ret_error, "no 1-Wire device '%s' in '%s'", name, dir) < 0)
			*ret_error = NULL;
		return -ENODEV;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	/* The device links into its bus master's directory: ../ is the master. */
	if (sysfs_path(w->w1_slave, sizeof(w->w1_slave), "%s/w1_slave", devdir) < 0 ||
	    sysfs_path(w->temperature, sizeof(w->temperature), "%s/temperature", devdir) < 0 ||
	    sysfs_path(w->bulk, sizeof(w->bulk), "%s/../therm_bulk_read", devdir) < 0) {
		free(w);
		return -ENAMETOOLONG;
	}
	*ret_data = w;
	return 0;
}

/* Starts a bulk conversion; sleeps for it. False when bulk read is unavailable. */
static bool w1_bulk_trigger(const struct temp_w1 *w)
{
	static const char cmd[] = "trigger\n";
	ssize_t n;
	int fd;

	fd = open(w->bulk, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return false;
	do
		n = write(fd, cmd, sizeof(cmd) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	return n == (ssize_t) (sizeof(cmd) - 1);
}

static int w1_measure(void *data, struct temp_reading *ret)
{
	const struct temp_w1 *w = data;
	char buf[TEMP_W1_SLAVE_MAX_LEN];
	int64_t t;
	int r;

	(void) w1_bulk_trigger(w);
	r = sysfs_read_file(w->w1_slave, buf, sizeof(buf));
	if (r == -ENOENT) {
		/* No w1_slave: plain millidegrees, no CRC verdict to pass on. */
		r = sysfs_read_int(w->temperature, &t);
		if (r < 0)
			return r;
		if (t < INT32_MIN || t > INT32_MAX)
			return -ERANGE;
		*ret = (struct temp_reading){ .value_mc = (int32_t) t };
		return 0;
	}
	if (r < 0)
		return r;
	/* w1_therm returns nothing when the conversion failed or is still running. */
	if (r == 0)
		return -ENODATA;
	return temp_w1_parse_slave(buf, ret);
}

static void *w1_close(void *data)
{
	free(data);
	return NULL;
}

static const char *w1_device(const void *data)
{
	const struct temp_w1 *w = data;

	return w->w1_slave;
}

const struct temp_source_ops temp_w1_ops = {
	/* 750 ms for a 12-bit conversion, plus the bus transactions. */
	.conversion_usec = 800ULL * 1000,
	.retries = 1,
	.retry_delay_usec = 1000ULL * 1000,
	.open = w1_open,
	.measure = w1_measure,
	.close = w1_close,
	.device = w1_device,
};
