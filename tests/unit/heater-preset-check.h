#pragma once
/* What the heater preset tests share: making a preset, its commands and state, checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "actuators/heater-preset.h"

#define SEC 1000000ULL

/* A preset from @p; fails the test if it cannot be made. */
struct heater_preset *preset_new(const struct heater_params *p);

/* The command for @on is exactly one message: @payload on @topic. */
void assert_one_command(struct heater_preset *hp, bool on, uint64_t auto_off_usec,
			const char *topic, const char *payload);

/* heater_preset_parse() of a NUL-terminated @payload. */
int preset_parse(struct heater_preset *hp, const char *topic, const char *payload,
		 struct heater_update *u);

/* The relay state @payload on @topic reports; fails the test if it is refused. */
enum heater_relay preset_relay(struct heater_preset *hp, const char *topic, const char *payload);
