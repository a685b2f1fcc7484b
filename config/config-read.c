#include "config/config-read.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int config_reader_open(struct config_reader *r, const char *path)
{
	assert(r);
	*r = (struct config_reader){ 0 };
	r->file = fopen(path, "re");
	return r->file ? 0 : -errno;
}

void config_reader_close(struct config_reader *r)
{
	assert(r);
	if (r->file)
		fclose(r->file);
	r->file = NULL;
}

char *config_reader_next(struct config_reader *r, char *buf, size_t size)
{
	size_t len;
	int c;

	assert(r);
	if (r->error < 0 || size < 2 || size > (size_t) INT32_MAX)
		return NULL;
	errno = 0;
	if (!fgets(buf, (int) size, r->file)) {
		if (ferror(r->file))
			r->error = errno > 0 ? -errno : -EIO;
		return NULL;
	}
	r->line++;
	len = strlen(buf);
	r->too_long = len == size - 1 && buf[len - 1] != '\n' && !feof(r->file);
	if (r->too_long)
		while ((c = fgetc(r->file)) != EOF && c != '\n')
			;
	if (ferror(r->file)) {
		r->error = errno > 0 ? -errno : -EIO;
		return NULL;
	}
	return buf;
}

int config_read_secret(const char *path, char **ret)
{
	char buf[4097];
	FILE *f;
	size_t n;
	int r = 0;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	if (ferror(f))
		r = -EIO;
	else if (n == sizeof(buf) - 1)
		r = -EFBIG;
	fclose(f);
	if (r < 0)
		return r;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0')
		return -ENODATA;
	*ret = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return *ret ? 0 : -ENOMEM;
}
