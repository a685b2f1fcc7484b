#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * One reading as a temperature source delivers it: the value the driver
 * reported, before any calibration offset, and what the source could tell about
 * its integrity. Plain data.
 */
struct temp_reading {
	int32_t value_mc;   /* millidegrees Celsius, as the driver reports it */
	bool crc_failed;    /* the sensor's own CRC said the data is corrupt (w1_slave "NO") */
	bool raw_all_ones;  /* every data byte read 0xff: nothing drove the bus */
	bool raw_all_zeros; /* every data byte read 0x00: data line stuck low (CRC passes!) */
};
