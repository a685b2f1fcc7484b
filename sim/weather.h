#pragma once

#include <stddef.h>

/*
 * An outdoor temperature trace: hourly (or any) samples, interpolated linearly
 * between them and held constant before the first and after the last.
 *
 * The CSV format is the one of bench/data/: a header line, then
 * "YYYY-MM-DDTHH:MM,<outdoor °C>" in time order. Time 0 is local midnight
 * starting the day of the first sample.
 */

struct sim_weather;

/*
 * Parses CSV text of @len bytes. Returns 0 and fills @ret; -EINVAL for a malformed
 * line (its 1-based number in @ret_line if not NULL), -ENODATA for no samples,
 * -ENOMEM.
 */
int sim_weather_parse(const char *text, size_t len, struct sim_weather **ret, unsigned *ret_line);

/* Reads and parses the file at @path; as sim_weather_parse(), plus -errno of the read. */
int sim_weather_load(const char *path, struct sim_weather **ret, unsigned *ret_line);

/* Frees @w; accepts NULL; returns NULL. */
struct sim_weather *sim_weather_free(struct sim_weather *w);

/* Outdoor temperature @t_s seconds after time 0. */
double sim_weather_outdoor_c(const struct sim_weather *w, double t_s);

/* Time of the last sample, in seconds after time 0. */
double sim_weather_end_s(const struct sim_weather *w);
