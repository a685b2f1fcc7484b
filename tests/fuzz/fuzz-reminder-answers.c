/*
 * libFuzzer harness: answers to reminders come from the broker, in any order
 * and at any time, so the reminder's state machine is outside input as much
 * as the parser in front of it. The input is split at 0xff bytes into
 * answers on <base>/reminder/<name>; each is parsed as the daemon parses it
 * and, when it parses, applied to one reminder (the first byte picks which)
 * while time moves on by the minutes the byte after each answer says. An
 * answer that is not applied must say why (the daemon logs the reason).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/reminder-defaults.h"
#include "control/reminder-run.h"
#include "daemon/reminder-command.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 2026-01-15 20:00 UTC: the evening of a night, before the reminders are due. */
#define START_S 1768507200

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "foot_soak", "stretch", REMINDER_FOLLOW_UP_NAME };
	const uint8_t *p = data, *end = data + size;
	struct reminder_decision d;
	struct reminder_params params;
	struct reminder_state state;
	int64_t now = START_S;

	if (size < 1)
		return 0;
	setenv("TZ", "UTC", 1);
	reminder_params_init(&params, names[data[0] % 3], 22 * 3600);
	params.id_prefix = "bedroom";
	reminder_state_init(&state, now);
	reminder_step(&params, &state, now, -1, &d);
	p++;
	while (p < end) {
		const uint8_t *sep = memchr(p, 0xff, (size_t) (end - p));
		size_t len = (size_t) ((sep ? sep : end) - p);
		struct reminder_command c;
		const char *reason = NULL;

		if (reminder_command_parse(p, len, params.kind, &c, &reason) == 0) {
			struct reminder_answer a = { .action = c.action,
						     .id = c.has_id ? c.id : NULL };
			int r = reminder_answer(&params, &state, &a, now, &d, &reason);

			if (r >= 0 && (r == REMINDER_ANSWER_APPLIED) != (reason == NULL))
				abort(); /* the daemon would log a reason it was not given */
		}
		p = sep ? sep + 1 : end;
		/* Time moves on by the next byte's minutes (0 to 254), and the reminder steps. */
		if (p < end) {
			now += (int64_t) *p * 60;
			p++;
			reminder_step(&params, &state, now, p < end ? *(p - 1) & 1 : -1, &d);
		}
	}
	return 0;
}
