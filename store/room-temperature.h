#pragma once

#include <stddef.h>
#include <stdint.h>

/* The room temperature every few minutes, for the lowest temperature of a night. */

struct store;

/* Adds a room temperature sample; a sample at the same second replaces it. */
int store_room_temperature_add(struct store *s, int64_t time, int tz_offset_s, double room_c);

/* The lowest room temperature from @since to @until, in *ret_c; -ENODATA when there is none. */
int store_room_temperature_min(struct store *s, int64_t since, int64_t until, double *ret_c);

/*
 * The sample nearest to @time, of those from @before_s before it to @after_s
 * after it; -ENODATA when none lies there.
 */
int store_room_temperature_at(struct store *s, int64_t time, int64_t before_s, int64_t after_s,
			      double *ret_c);

/* A room temperature sample. */
struct store_room_sample {
	int64_t time; /* Unix seconds */
	int tz_offset_s;
	double room_c;
};

/*
 * Reads the samples with @since <= time < @until, oldest first, into a new
 * array in *ret (owned by the caller: free()). Returns how many, or -errno.
 */
int store_room_temperature_read_range(struct store *s, int64_t since, int64_t until,
				      struct store_room_sample **ret);

/*
 * Copies the samples that a damaged store @from still reads into @to (a time
 * @to has already keeps its own). Returns how many, or a negative errno.
 */
int store_room_temperature_salvage(struct store *from, struct store *to);
