#pragma once

#include <stdint.h>

/*
 * IIO ABI: a temperature channel without a processed value is
 * (raw + offset) * scale millidegrees. Rounds to the nearest millidegree.
 * Returns 0 and *ret_mc, or -ERANGE when the result is not a finite int32.
 * Internal to sensors/, exposed for tests.
 */
int temp_iio_from_raw(int64_t raw, double offset, double scale, int32_t *ret_mc);
