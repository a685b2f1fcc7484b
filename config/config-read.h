#pragma once

#include <stdbool.h>
#include <stdio.h>

/* Reads a configuration file line by line, counting lines, for inih's stream parser. */
struct config_reader {
	FILE *file;
	unsigned line; /* number of the line last returned, from 1 */
	bool too_long; /* the line last returned was cut to fit the buffer */
	int error;     /* a negative errno once reading failed (a directory: -EISDIR), else 0 */
};

/* Opens @path for reading; returns 0 or a negative errno. */
int config_reader_open(struct config_reader *r, const char *path);
void config_reader_close(struct config_reader *r);

/*
 * Puts the next line in @buf (at most @size - 1 bytes, newline kept) and
 * returns @buf, or NULL at the end of the file or when reading fails (then
 * error is set: a file that cannot be read is not an empty one). A longer line
 * is cut, the rest of it skipped and too_long set, so line numbers stay right.
 */
char *config_reader_next(struct config_reader *r, char *buf, size_t size);

/*
 * Reads the first line of a small secret file (a password) into a new string,
 * without its line ending. Returns 0, -ENODATA for an empty file, -EFBIG past
 * 4 KiB, or another negative errno.
 */
int config_read_secret(const char *path, char **ret);
