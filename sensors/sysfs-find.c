#include "sensors/sysfs-find.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensors/sysfs-read.h"

int sysfs_find_by_name(const char *classdir, const char *prefix, const char *name, char *buf,
		       size_t size, char **ret_error)
{
	char path[PATH_MAX], found[PATH_MAX], attr[SYSFS_NAME_MAX_LEN];
	char *list = NULL;
	size_t listlen = 0, n = 0;
	struct dirent *de;
	FILE *f = NULL;
	int r;
	DIR *d;

	assert(ret_error);
	d = opendir(classdir);
	if (!d)
		return errno == ENOENT ? -ENODEV : -errno;
	f = open_memstream(&list, &listlen);
	if (!f) {
		r = -ENOMEM;
		goto out;
	}
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (sysfs_path(path, sizeof(path), "%s/%s/name", classdir, de->d_name) < 0)
			continue;
		/* A device whose name cannot be read is not the one we look for. */
		if (sysfs_read_line(path, attr, sizeof(attr)) < 0 || strcmp(attr, name) != 0)
			continue;
		fprintf(f, "%s'%s'", n ? ", " : "", de->d_name);
		if (n++ == 0 &&
		    sysfs_path(found, sizeof(found), "%s/%s", classdir, de->d_name) < 0) {
			r = -ENAMETOOLONG;
			goto out;
		}
	}
	fclose(f);
	f = NULL;
	if (n == 0) {
		r = -ENODEV;
		goto out;
	}
	if (n > 1) {
		if (asprintf(ret_error, "%zu devices named '%s' in '%s' (%s): set path= to one", n,
			     name, classdir, list) < 0)
			*ret_error = NULL;
		r = -ENOTUNIQ;
		goto out;
	}
	r = sysfs_path(buf, size, "%s", found);
out:
	if (f)
		fclose(f);
	free(list);
	closedir(d);
	return r;
}
