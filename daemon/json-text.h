#pragma once

#include <jansson.h>

/*
 * @text (from the store or a retained message) as a JSON string; null for NULL.
 * jansson refuses a text that is not UTF-8 (a note sent in Latin-1), which would
 * leave out what holds it: that text goes as config_escape() shows it. NULL only
 * when out of memory.
 */
json_t *json_text(const char *text);

/* @v as a yes/no that may be unknown: null when negative, else false or true. */
json_t *json_tristate(int v);

/* @v rounded to @decimals (as measured and printed elsewhere); null for NAN. */
json_t *json_real_or_null(double v, int decimals);

/* A count that may be unknown: null when negative. */
json_t *json_count_or_null(int v);
