#pragma once

#include <stddef.h>

#include "sensors/temp-reading.h"

/*
 * The longest `w1_slave` text plus NUL: "xx " nine times, ": crc=xx YES\n",
 * "xx " nine times, "t=-2147483648\n". Anything longer is not w1_therm's.
 */
#define TEMP_W1_SLAVE_MAX_LEN                                                                      \
	(sizeof(": crc=xx YES\n") - 1 + sizeof("t=-2147483648\n") + (size_t) 2 * 9 * 3)

/*
 * Parses the text of a DS18B20 `w1_slave` attribute (NUL-terminated), as
 * w1_therm prints it:
 *   "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n"
 * A "NO" verdict is not an error: *ret says crc_failed. Returns 0 and *ret, or
 * -EBADMSG for anything that is not exactly this shape. Internal to sensors/,
 * exposed for tests.
 */
int temp_w1_parse_slave(const char *text, struct temp_reading *ret);
