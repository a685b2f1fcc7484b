/*
 * libFuzzer harness: commands from the broker are outside input: set/floor,
 * set/mode, reminder answers (plain and JSON) and cramps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/command.h"
#include "control/reminder-run.h"
#include "daemon/command-time.h"
#include "daemon/cramp-command.h"
#include "daemon/reminder-command.h"

int LLVMFuzzerTestOneInput(const uint8_t *raw, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *raw, size_t size)
{
	/* An empty MQTT payload comes as NULL from libmosquitto: the parsers see that too. */
	const uint8_t *data = size ? raw : NULL;
	enum command_reminder_answer answer;
	struct reminder_command reminder;
	struct cramp_command cramp;
	enum reminder_action action;
	enum command_mode mode;
	const char *reason;
	char cramp_reason[CRAMP_REASON_MAX];
	double floor_c;
	int64_t sent_s;
	char *rest = NULL;

	(void) command_parse_floor(data, size, 16, 24, &floor_c, &reason);
	(void) command_parse_mode(data, size, &mode, &reason);
	/* A set/floor or set/mode with its own time: the time taken off, the rest parsed. */
	if (command_time_split(data, size, &sent_s, &rest, &reason) > 0) {
		(void) command_is_stale(sent_s, 1800000000, 600000000ULL);
		(void) command_parse_floor(rest, strlen(rest), 16, 24, &floor_c, &reason);
		(void) command_parse_mode(rest, strlen(rest), &mode, &reason);
	}
	free(rest);
	(void) command_parse_reminder_answer(data, size, &answer, &reason);
	(void) reminder_command_parse(data, size, REMINDER_KIND_TASK, &reminder, &reason);
	(void) reminder_command_parse(data, size, REMINDER_KIND_FOLLOW_UP, &reminder, &reason);
	(void) reminder_action_parse(data, size, &action, &reason);
	/* 2026-01-31T03:10:00Z: times around it are accepted. */
	(void) cramp_command_parse(data, size, 1769829000, &cramp, cramp_reason,
				   sizeof(cramp_reason));
	return 0;
}
