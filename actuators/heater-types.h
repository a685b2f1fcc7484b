#pragma once

/*
 * The heater presets, one line each: X(ID, name), in the order the
 * configuration lists them. The preset's ops table is
 * `const struct heater_preset_ops heater_preset_<name>` in
 * actuators/heater-<name>.c; its line here registers it as HEATER_TYPE_<ID>,
 * called "<name>" (what `type =` of a [heater.NAME] section says).
 *
 * A new preset is its file and its line here (plus its keys in
 * config/config-keys.c if it needs new ones, its tests and docs).
 *
 * Plain data, a list of names and the enum made from it: any layer may
 * include it (config/ does, for `type =`).
 */
#define HEATER_PRESETS(X)                                                                          \
	X(TASMOTA, tasmota)                                                                        \
	X(SHELLY, shelly)                                                                          \
	X(ZIGBEE2MQTT, zigbee2mqtt)                                                                \
	X(GENERIC, generic)

#define HEATER_TYPE_ENUM_(id, name) HEATER_TYPE_##id,
enum heater_type {
	HEATER_PRESETS(HEATER_TYPE_ENUM_) _HEATER_TYPE_MAX,
};
#undef HEATER_TYPE_ENUM_
