#pragma once

#include <stdint.h>

/*
 * A DS18B20 on a fake sysfs tree, laid out as the kernel's w1 drivers do:
 *   <sysfs>/devices/w1_bus_master1/<device>/w1_slave
 *   <sysfs>/bus/w1/devices/<device> -> ../../../devices/w1_bus_master1/<device>
 */

/* Creates the directories and the symlink (keeping what exists): 0 or -errno. */
int sim_w1_plug(const char *sysfs, const char *device);

/* Removes the symlink: the device is gone from the bus. 0 or -errno. */
int sim_w1_unplug(const char *sysfs, const char *device);

/*
 * Writes w1_slave for a reading of @mc millidegrees (rounded to the sensor's
 * 1/16 °C), scratchpad and CRC as a DS18B20 gives them; atomically (rename).
 * 0 or -errno.
 */
int sim_w1_write(const char *sysfs, const char *device, int32_t mc);
