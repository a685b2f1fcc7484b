#pragma once

#include <jansson.h>

/*
 * @text (from the store or a retained message) as a JSON string; null for NULL.
 * jansson refuses a text that is not UTF-8 (a note sent in Latin-1), which would
 * leave out what holds it: that text goes as config_escape() shows it. NULL only
 * when out of memory.
 */
json_t *json_text(const char *text);
