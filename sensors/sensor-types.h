#pragma once

/*
 * The types of room thermometer, one line each: X(ID, name), in the order the
 * configuration lists them.
 *
 * A sysfs type's backend is `const struct temp_source_ops temp_<name>_ops` in
 * sensors/temp-<name>.c; its line in TEMP_SOURCE_TYPES registers it, under
 * "<name>", with sensors/temp-source.c. The mqtt type is a thermometer that is
 * already on the broker: its payloads go to sensors/temp-payload.c. config/
 * builds enum config_sensor_type and the names `type =` accepts from
 * SENSOR_TYPES.
 *
 * A new sysfs type is its file and its line here (plus its keys in
 * config/config-keys.c if it needs new ones, its tests and docs).
 *
 * Plain data, a list of names: any layer may include it.
 */
#define TEMP_SOURCE_TYPES(X)                                                                       \
	X(W1, w1)       /* DS18B20 on 1-Wire, kernel w1_therm */                                   \
	X(IIO, iio)     /* DHT22, BME280, ... through IIO */                                       \
	X(HWMON, hwmon) /* temp*_input under /sys/class/hwmon */

#define SENSOR_TYPES(X)                                                                            \
	TEMP_SOURCE_TYPES(X)                                                                       \
	X(MQTT, mqtt) /* a thermometer already on the broker */
