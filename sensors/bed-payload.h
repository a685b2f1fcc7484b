#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * The level of a bed input on MQTT (an Aqara vibration sensor through
 * zigbee2mqtt, an ESPHome bed-presence binary sensor, a Tasmota button). Pure:
 * bytes in, a level or a reason out; no clock, no I/O, no logging.
 *
 * The value (the whole payload, or with json_key the value at that dot path
 * of a JSON object, digits indexing arrays) is active when it is:
 *  - a string equal to payload_on, or "on", "true", "1" (case-insensitive,
 *    surrounding whitespace ignored), a JSON true, or the JSON number 1;
 * and inactive for payload_off, "off", "false", "0", a JSON false or 0.
 * Anything else is refused; JSON null (zigbee2mqtt without a value yet) is
 * -ENODATA.
 */

struct bed_payload_params {
	const char *payload_on;  /* NULL: "ON"; borrowed */
	const char *payload_off; /* NULL: "OFF"; borrowed */
	const char *json_key;    /* NULL: the whole payload; borrowed */
	size_t max_size;         /* bytes; 0: BED_PAYLOAD_DEFAULT_MAX_SIZE */
};

#define BED_PAYLOAD_DEFAULT_MAX_SIZE 4096

/*
 * Parses the @len bytes at @data (not NUL-terminated). Returns 0 and the level
 * in *ret_active, or -EMSGSIZE (too large), -ENODATA (empty or null),
 * -EILSEQ (not UTF-8), -EBADMSG (not a known payload, or not JSON), -ENOENT
 * (json_key not found), -EINVAL (a JSON value of another type). On failure
 * *ret_reason (may be NULL) points to a short static description and
 * *ret_active is untouched.
 */
int bed_payload_parse(const void *data, size_t len, const struct bed_payload_params *p,
		      bool *ret_active, const char **ret_reason);
