#pragma once

#include <stddef.h>

/*
 * Finds the device directory under @classdir (e.g. "/sys/bus/iio/devices")
 * whose entry starts with @prefix ("iio:device", "hwmon") and whose `name`
 * attribute equals @name. Copies its path into @buf of @size bytes. Returns 0;
 * -ENODEV when none matches, -ENOTUNIQ when several do (then *ret_error is a
 * malloc'd message listing them), -ENAMETOOLONG, -ENOMEM, or -errno of
 * opendir(). Internal to sensors/.
 */
int sysfs_find_by_name(const char *classdir, const char *prefix, const char *name, char *buf,
		       size_t size, char **ret_error);
