#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Readings of a thermometer already on MQTT. Pure: bytes in, a value or a
 * reason out; no clock, no I/O, no logging.
 *
 * Accepted shapes:
 *  - plain: "21.5", " 21.5\n" (ESPHome state topics, anything printing a
 *    number): optional surrounding ASCII whitespace, [-+]digits[.digits].
 *  - JSON with json_key, a dot-separated path of object keys (digits index an
 *    array): zigbee2mqtt {"temperature":21.5} -> "temperature"; Tasmota
 *    tele/x/SENSOR {"DS18B20":{"Temperature":21.5},"TempUnit":"C"} ->
 *    "DS18B20.Temperature"; Shelly H&T Gen2 {"id":0,"tC":21.5,"tF":70.7} -> "tC".
 * Decisions:
 *  - A JSON string holding a plain number ("21.5") is accepted: some bridges
 *    quote numbers, and the string is parsed as strictly as a plain payload.
 *  - Fahrenheit is converted, not rejected. A top-level "TempUnit" (Tasmota)
 *    decides the unit either way: "F" is °F, "C" is °C even with
 *    params.fahrenheit set (the device says what it sends); params.fahrenheit
 *    applies to payloads without a unit. Any other TempUnit is rejected.
 *  - JSON null (zigbee2mqtt while the device has no value) is -ENODATA.
 *  - "nan", "inf" (ESPHome when the sensor failed) are -EDOM.
 */

struct temp_payload_params {
	const char *json_key; /* NULL: plain number; borrowed */
	size_t max_size;      /* bytes; larger payloads are refused before parsing; 0: 4096 */
	bool fahrenheit;      /* the device sends °F */
};

#define TEMP_PAYLOAD_DEFAULT_MAX_SIZE 4096

/*
 * Parses the @len bytes at @data (not NUL-terminated, any bytes) into
 * millidegrees Celsius, rounded. Returns 0 and *ret_mc, or:
 *   -EMSGSIZE too large, -ENODATA empty (or JSON null), -EILSEQ not UTF-8,
 *   -EBADMSG not a number / not JSON, -ENOENT json_key not found,
 *   -EINVAL wrong JSON type or TempUnit, -EDOM NaN or infinity,
 *   -ERANGE beyond +-1000 °C.
 * On failure *ret_reason points to a short static description for the log,
 * and *ret_mc is untouched. @ret_reason may be NULL.
 */
int temp_payload_parse(const void *data, size_t len, const struct temp_payload_params *p,
		       int32_t *ret_mc, const char **ret_reason);

/* Which unit a payload's value was taken in, and who said so. */
enum temp_payload_unit {
	TEMP_PAYLOAD_UNIT_CONFIG, /* the payload has no unit: params.fahrenheit decides */
	TEMP_PAYLOAD_UNIT_C,      /* the payload says "TempUnit":"C" */
	TEMP_PAYLOAD_UNIT_F,      /* the payload says "TempUnit":"F" */
};

/*
 * temp_payload_parse(), also saying in *@ret_unit (may be NULL; set on
 * success only) which unit the payload carried: a "C" with params.fahrenheit
 * set is worth telling the user (the setting does nothing for this device).
 */
int temp_payload_parse_unit(const void *data, size_t len, const struct temp_payload_params *p,
			    int32_t *ret_mc, enum temp_payload_unit *ret_unit,
			    const char **ret_reason);

/*
 * True when a reading received at @received_usec is too old at @now_usec to
 * count (older than @max_age_usec; 0: never too old).
 */
bool temp_payload_expired(uint64_t received_usec, uint64_t now_usec, uint64_t max_age_usec);

/*
 * A value no bedroom has that the other unit would make one: a device sending
 * °F read as °C (66 °F as 66 °C: over-temperature, or refused, and no heating)
 * or one sending °C read as °F (21 °C as -6.1 °C: heating without end). The
 * question to ask the person, or NULL when @value_mc (after conversion) fits a
 * bedroom or neither unit explains it.
 */
const char *temp_payload_unit_hint(int32_t value_mc, bool fahrenheit);
