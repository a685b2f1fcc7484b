/* Helpers of the heater preset tests: see heater-preset-check.h. */
#include "tests/unit/heater-preset-check.h"

#include <string.h>

struct heater_preset *preset_new(const struct heater_params *p)
{
	struct heater_preset *hp = NULL;

	assert_int_equal(heater_preset_new(p, &hp), 0);
	return hp;
}

void assert_one_command(struct heater_preset *hp, bool on, uint64_t auto_off_usec,
			const char *topic, const char *payload)
{
	struct heater_messages m = { 0 };

	assert_int_equal(heater_preset_command(hp, on, auto_off_usec, &m), 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.m[0].topic, topic);
	assert_string_equal(m.m[0].payload, payload);
	heater_messages_clear(&m);
	assert_int_equal(m.n, 0);
}

int preset_parse(struct heater_preset *hp, const char *topic, const char *payload,
		 struct heater_update *u)
{
	return heater_preset_parse(hp, topic, payload, strlen(payload), u);
}

enum heater_relay preset_relay(struct heater_preset *hp, const char *topic, const char *payload)
{
	struct heater_update u;

	assert_int_equal(preset_parse(hp, topic, payload, &u), 0);
	return u.relay;
}
