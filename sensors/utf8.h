#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * True when the @len bytes at @data are well-formed UTF-8 (no overlong forms,
 * no surrogates, nothing above U+10FFFF, nothing cut off). Internal to sensors/.
 */
bool utf8_valid(const void *data, size_t len);
