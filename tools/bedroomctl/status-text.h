#pragma once

#include <stdio.h>

/*
 * Writes what bedroomd's retained @availability ("online"/"offline", NULL: none)
 * and state snapshot (@state_text, JSON; NULL: none) say, as lines for a person.
 * Whatever they hold is shown escaped (config_escape()): control characters,
 * terminal escape sequences among them, never reach @out. Returns 0, -1 when
 * @state_text is not a JSON object, or -ENOMEM (nothing written then).
 */
int status_print_text(FILE *out, const char *availability, const char *state_text);
