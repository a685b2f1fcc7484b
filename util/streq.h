#pragma once

#include <stdbool.h>
#include <string.h>

/* Two strings alike, where either may be NULL (an unset key): equal only to NULL. */
static inline bool streq_null(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}
