#pragma once

#include <stdio.h>

/*
 * Writes what bedroomd's retained @availability ("online"/"offline", NULL: none)
 * and state snapshot (@state_text, JSON; NULL: none) say, as lines for a person.
 * Returns 0, or -1 when @state_text is not a JSON object (nothing written then).
 */
int status_print_text(FILE *out, const char *availability, const char *state_text);
