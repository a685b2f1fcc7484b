/* libFuzzer harness: commands from the broker are outside input. */
#include <stddef.h>
#include <stdint.h>

#include "control/command.h"
#include "daemon/reminder-command.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum command_reminder_answer answer;
	struct reminder_command reminder;
	enum command_mode mode;
	const char *reason;
	double floor_c;

	(void) command_parse_floor(data, size, 16, 24, &floor_c, &reason);
	(void) command_parse_mode(data, size, &mode, &reason);
	(void) command_parse_reminder_answer(data, size, &answer, &reason);
	(void) reminder_command_parse(data, size, &reminder, &reason);
	return 0;
}
