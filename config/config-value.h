#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Parsers for single configuration values. Each returns 0 and fills *ret on
 * success, or -EINVAL (or -ERANGE when the value is out of [min, max]) and
 * leaves *ret untouched. They do no I/O and keep no state.
 */

int config_parse_bool(const char *text, bool *ret);
int config_parse_int(const char *text, long min, long max, long *ret);
int config_parse_double(const char *text, double min, double max, double *ret);

/*
 * Durations with a unit: "90s", "5min", "2h", "250ms"; 0 alone needs none.
 * Returns microseconds; -EDOM for a number without a unit other than 0.
 */
int config_parse_duration_usec(const char *text, unsigned long long min_usec,
			       unsigned long long max_usec, unsigned long long *ret);

/*
 * A duration in the largest unit that holds it whole, as the parser reads it
 * back: 730d, 6h, 45min, 15s, 20ms ("0" for none).
 */
void config_format_duration(unsigned long long usec, char *buf, size_t size);

/* Local wall-clock time of day "HH:MM"; returns minutes since midnight. */
int config_parse_time_of_day(const char *text, int *ret_minutes);

/* A local wall-clock time "HH:MM" or "HH:MM:SS"; returns seconds since midnight. */
int config_parse_time_of_day_s(const char *text, int *ret_seconds);

/*
 * Days of the week: "mon-sun", "mon-fri, sun", "sat,sun" (three-letter
 * English names, any case; a range may wrap: "fri-mon"). Returns a mask, bit 0
 * Monday ... bit 6 Sunday, at least one bit.
 */
int config_parse_days(const char *text, unsigned *ret_mask);

/* Writes @mask as config_parse_days() reads it, in ranges: "mon-fri,sun". */
void config_format_days(unsigned mask, char *buf, size_t size);

/*
 * Why @topic cannot be an MQTT topic we publish or subscribe under, or NULL
 * when it can: 1 to 200 bytes of UTF-8 (what MQTT requires; a broker refuses
 * anything else) without control characters or noncharacters, no wildcards,
 * no empty levels at the ends. The reason is a static string.
 */
const char *config_topic_problem(const char *topic);

/* Whether config_topic_problem() finds nothing wrong with @topic. */
bool config_topic_is_valid(const char *topic);

/* An identifier for node_id and section names: [A-Za-z0-9_-], 1 to 64 characters. */
bool config_name_is_valid(const char *name);
