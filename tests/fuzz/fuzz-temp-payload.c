/* libFuzzer harness: MQTT thermometer payloads are outside input; any bytes must be safe. */
#include <stddef.h>
#include <stdint.h>

#include "sensors/temp-payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *raw, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *raw, size_t size)
{
	/* An empty MQTT payload comes as NULL from libmosquitto: the parsers see that too. */
	const uint8_t *data = size ? raw : NULL;
	static const char *const keys[] = { NULL, "temperature", "DS18B20.Temperature", "a.0.b" };
	const char *reason;
	int32_t mc;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct temp_payload_params p = { .json_key = keys[i], .fahrenheit = i == 3 };

		(void) temp_payload_parse(data, size, &p, &mc, &reason);
	}
	return 0;
}
