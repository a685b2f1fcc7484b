#pragma once

#include <stdio.h>

/*
 * Writes `bedroomctl status --json`: one JSON object on one line,
 * {"availability":...,"state":...}, each null when none is retained
 * (@availability, @state_text: NULL). A state that is JSON goes in as the
 * daemon retained it, its numbers as they came (0.08, not re-serialised as
 * 0.080000000000000002); one that is not, as a string. Line breaks, DEL and
 * C1 control characters never reach @out raw. Returns 0 or -ENOMEM.
 */
int status_print_json(FILE *out, const char *availability, const char *state_text);
