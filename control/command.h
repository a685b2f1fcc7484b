#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Commands that arrive over MQTT from Home Assistant or the phone, parsed.
 * Pure: bytes in (any bytes, not NUL-terminated), a value or a reason out.
 * Home Assistant's climate entity sends plain payloads ("18.5", "heat"); a
 * small JSON object ({"floor": 18.5}, {"mode": "heat"}) is accepted too.
 */

/* Payloads longer than this are refused unread. */
#define COMMAND_PAYLOAD_MAX 256

enum command_mode {
	COMMAND_MODE_HEAT,
	COMMAND_MODE_OFF,
};

/*
 * A floor in °C within [@min_c, @max_c], rounded to 0.1 °C. Returns 0 and
 * *ret_c, or -EMSGSIZE, -EBADMSG (not a number), -ERANGE (outside the bounds:
 * *ret_c is then the number sent, for the message), with a short static
 * reason in *ret_reason (may be NULL).
 */
int command_parse_floor(const void *data, size_t len, double min_c, double max_c, double *ret_c,
			const char **ret_reason);

/* "heat" or "off" (any case). Returns 0 and *ret, or -EMSGSIZE / -EBADMSG with a reason. */
int command_parse_mode(const void *data, size_t len, enum command_mode *ret,
		       const char **ret_reason);

const char *command_mode_to_string(enum command_mode m);

/* An answer to a reminder from the phone, on <base>/reminder/<name>. */
enum command_reminder_answer {
	COMMAND_REMINDER_DONE,
	COMMAND_REMINDER_STARTED,
	COMMAND_REMINDER_SNOOZE,
};

/*
 * "done", "started" or "snooze" (any case; or {"answer": "done"}). Returns 0
 * and *ret, or -EMSGSIZE / -EBADMSG with a reason.
 */
int command_parse_reminder_answer(const void *data, size_t len, enum command_reminder_answer *ret,
				  const char **ret_reason);

const char *command_reminder_answer_to_string(enum command_reminder_answer a);

/*
 * Whether a command sent at @sent_s (Unix seconds, its own "time") is too old
 * at @now_s to be obeyed: older than @max_age_usec (0: never too old). A time
 * in the future is not old.
 */
bool command_is_stale(int64_t sent_s, int64_t now_s, unsigned long long max_age_usec);

/*
 * Whether a setting Home Assistant set (@kept; NULL: none) holds against the
 * configuration file, which says @file_now: it does unless the file was edited
 * since it was set, that is unless @kept_file (what the file said then; NULL:
 * not recorded, a store from before that was kept) differs from @file_now.
 * The daemon and bedroomctl's report both ask this, so they agree.
 */
bool command_kept_setting_holds(const char *kept, const char *kept_file, const char *file_now);

/* A floor as the store keeps it, and as command_kept_setting_holds() compares it. */
#define COMMAND_FLOOR_TEXT_MAX 16
void command_floor_text(double floor_c, char buf[static COMMAND_FLOOR_TEXT_MAX]);

/*
 * The floor in force: @kept (from Home Assistant, kept with what the file
 * said then, @kept_file) while it holds and is within [@min_c, @max_c], else
 * the file's @file_c. Sets *ret_from_kept (may be NULL).
 */
double command_floor_in_force(const char *kept, const char *kept_file, double file_c, double min_c,
			      double max_c, bool *ret_from_kept);
