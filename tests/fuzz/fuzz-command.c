/* libFuzzer harness: commands from the broker are outside input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/command.h"
#include "daemon/command-time.h"
#include "daemon/reminder-command.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum command_reminder_answer answer;
	struct reminder_command reminder;
	enum command_mode mode;
	const char *reason;
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
	(void) reminder_command_parse(data, size, &reminder, &reason);
	return 0;
}
