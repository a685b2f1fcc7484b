/*
 * hwmon: `tempN_input` (millidegrees) of a hwmon device under /sys/class/hwmon,
 * chosen by its `name` attribute (or path=), and within it by `tempN_label`
 * (label=), by N (index=), or else the lowest N there is.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sensors/sysfs-find.h"
#include "sensors/sysfs-read.h"
#include "sensors/temp-source.h"

struct temp_hwmon {
	char input[PATH_MAX];
};

/* N of an entry "temp<N><suffix>", or 0 when @entry is not one. */
static unsigned channel_of(const char *entry, const char *suffix)
{
	unsigned long n;
	char *end;

	if (strncmp(entry, "temp", 4) != 0 || entry[4] < '1' || entry[4] > '9')
		return 0;
	n = strtoul(entry + 4, &end, 10);
	if (strcmp(end, suffix) != 0 || n > 9999)
		return 0;
	return (unsigned) n;
}

/* Picks the channel: by @label when set, else the lowest tempN_input. */
static int hwmon_channel(const char *dir, const char *label, unsigned *ret)
{
	char path[PATH_MAX], text[SYSFS_NAME_MAX_LEN];
	unsigned best = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		unsigned n;

		n = channel_of(de->d_name, label ? "_label" : "_input");
		if (n == 0 || (best != 0 && n >= best))
			continue;
		if (label &&
		    (sysfs_path(path, sizeof(path), "%s/%s", dir, de->d_name) < 0 ||
		     sysfs_read_line(path, text, sizeof(text)) < 0 || strcmp(text, label) != 0))
			continue;
		best = n;
	}
	closedir(d);
	if (best == 0)
		return -ENODEV;
	*ret = best;
	return 0;
}

static int hwmon_open(const struct temp_source_params *p, void **ret_data, char **ret_error)
{
	const char *root = p->sysfs_root;
	char dir[PATH_MAX];
	struct temp_hwmon *h;
	unsigned n = p->index;
	struct stat st;
	int r;

	if (!p->name == !p->path || (p->label && p->index))
		return -EINVAL;
	if (p->path)
		r = sysfs_path(dir, sizeof(dir), "%s", p->path);
	else {
		char classdir[PATH_MAX];

		r = sysfs_path(classdir, sizeof(classdir), "%s/class/hwmon", root);
		if (r == 0)
			r = sysfs_find_by_name(classdir, "hwmon", p->name, dir, sizeof(dir),
					       ret_error);
		if (r == -ENODEV && asprintf(ret_error, "no hwmon device named '%s' in '%s'",
					     p->name, classdir) < 0)
			*ret_error = NULL;
	}
	if (r < 0)
		return r;
	if (n == 0) {
		r = hwmon_channel(dir, p->label, &n);
		if (r == -ENODEV && asprintf(ret_error, "no temp%s in '%s'",
					     p->label ? "N_label matching" : "N_input", dir) < 0)
			*ret_error = NULL;
		if (r < 0)
			return r == -ENOENT ? -ENODEV : r;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	r = sysfs_path(h->input, sizeof(h->input), "%s/temp%u_input", dir, n);
	if (r == 0 && (stat(h->input, &st) < 0 || !S_ISREG(st.st_mode)))
		r = -ENODEV;
	if (r < 0) {
		free(h);
		return r;
	}
	*ret_data = h;
	return 0;
}

static int hwmon_measure(void *data, struct temp_reading *ret)
{
	const struct temp_hwmon *h = data;
	int64_t v;
	int r;

	r = sysfs_read_int(h->input, &v);
	if (r < 0)
		return r;
	if (v < INT32_MIN || v > INT32_MAX)
		return -ERANGE;
	*ret = (struct temp_reading){ .value_mc = (int32_t) v };
	return 0;
}

static void *hwmon_close(void *data)
{
	free(data);
	return NULL;
}

static const char *hwmon_device(const void *data)
{
	const struct temp_hwmon *h = data;

	return h->input;
}

const struct temp_source_ops temp_hwmon_ops = {
	.conversion_usec = 50ULL * 1000,
	.retries = 1,
	.retry_delay_usec = 1000ULL * 1000,
	.open = hwmon_open,
	.measure = hwmon_measure,
	.close = hwmon_close,
	.device = hwmon_device,
};
