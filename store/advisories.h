#pragma once

#include <stddef.h>
#include <stdint.h>

/* The advisories that fired. */

struct store;

/* An advisory that fired: a count crossed a line doctors use. */
struct store_advisory {
	char *kind;   /* "cramp_frequency", "one_sided_cramps", "cramp_spread" */
	int64_t time; /* of the cramp that crossed */
	int tz_offset_s;
	char *message;
	int count; /* -1: none stored */
};

/* Adds an advisory (@id unique). Returns 0, -EEXIST or -errno. */
int store_advisory_add(struct store *s, const char *id, const struct store_advisory *a);

/*
 * Reads the advisories with time >= @since, oldest first, into a new array in
 * *ret (free with store_advisories_free()). Returns how many, or -errno.
 */
int store_advisories_read(struct store *s, int64_t since, struct store_advisory **ret);

/* As store_advisories_read(), for those with @since <= time < @until. */
int store_advisories_read_range(struct store *s, int64_t since, int64_t until,
				struct store_advisory **ret);

void store_advisories_free(struct store_advisory *a, size_t n);

/*
 * Copies the advisories of @from, a damaged store file (opened with
 * store_open_read_only()), into @to as far as @from reads, but none that @to
 * holds already (by its id). One transaction of @to. Returns how many were
 * copied, or a negative errno (none was copied).
 */
int store_advisories_salvage(struct store *from, struct store *to);
