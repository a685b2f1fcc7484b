/*
 * libFuzzer harness: what smart plugs and bed sensors on the broker send is
 * outside input. Every heater preset and the bed-sensor payload parser must
 * take any bytes without crashing.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "actuators/heater-preset.h"
#include "sensors/bed-payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *raw, size_t size);

static struct heater_preset *presets[_HEATER_TYPE_MAX];

static void make_presets(void)
{
	for (int t = 0; t < _HEATER_TYPE_MAX; t++) {
		struct heater_params p;

		heater_params_init(&p, (enum heater_type) t);
		p.topic = "plug";
		p.command_topic = "plug/set";
		p.state_topic = "plug/state";
		p.availability_topic = "plug/availability";
		p.json_key = "relay.state";
		p.power_json_key = "power";
		(void) heater_preset_new(&p, &presets[t]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *raw, size_t size)
{
	/* An empty MQTT payload comes as NULL from libmosquitto: the parsers see that too. */
	const uint8_t *data = size ? raw : NULL;
	static const struct bed_payload_params bed[] = {
		{ 0 },
		{ .json_key = "vibration" },
		{ .payload_on = "occupied", .payload_off = "clear", .json_key = "a.b.0" },
	};
	bool active;

	if (!presets[0])
		make_presets();
	for (int t = 0; t < _HEATER_TYPE_MAX; t++) {
		if (!presets[t])
			continue;
		for (unsigned i = 0; i < heater_preset_n_subscriptions(presets[t]); i++) {
			struct heater_update u;

			(void) heater_preset_parse(
			    presets[t], heater_preset_subscription(presets[t], i), data, size, &u);
		}
	}
	for (size_t i = 0; i < sizeof(bed) / sizeof(bed[0]); i++)
		(void) bed_payload_parse(data, size, &bed[i], &active, NULL);
	return 0;
}
