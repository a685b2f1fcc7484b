#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Commands that arrive over MQTT from Home Assistant or the phone, parsed.
 * Pure: bytes in (any bytes, not NUL-terminated), a value or a reason out.
 * Home Assistant's climate entity sends plain payloads ("18.5", "heat"); a
 * small JSON object ({"floor": 18.5}, {"mode": "heat"}) is accepted too.
 */

/* Payloads longer than this are refused unread. */
#define COMMAND_PAYLOAD_MAX 256

enum command_mode {
	COMMAND_MODE_HEAT,
	COMMAND_MODE_OFF,
};

/*
 * A floor in °C within [@min_c, @max_c], rounded to 0.1 °C. Returns 0 and
 * *ret_c, or -EMSGSIZE, -EBADMSG (not a number), -ERANGE (outside the bounds),
 * with a short static reason in *ret_reason (may be NULL).
 */
int command_parse_floor(const void *data, size_t len, double min_c, double max_c, double *ret_c,
			const char **ret_reason);

/* "heat" or "off" (any case). Returns 0 and *ret, or -EMSGSIZE / -EBADMSG with a reason. */
int command_parse_mode(const void *data, size_t len, enum command_mode *ret,
		       const char **ret_reason);

const char *command_mode_to_string(enum command_mode m);
