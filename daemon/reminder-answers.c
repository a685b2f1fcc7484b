#include "daemon/reminder-answers.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "control/command.h"
#include "control/cramp-night.h"
#include "daemon/clock.h"
#include "daemon/log.h"

#define KNOWN_FOR_S (14 * 86400)

static bool known_name(const char *name)
{
	return strcmp(name, REMINDER_FOOT_SOAK) == 0 || strcmp(name, "stretch") == 0;
}

bool reminder_answers_handle(struct store *store, const char *node_id, const char *base,
			     const char *topic, const void *payload, size_t len)
{
	uint64_t now_usec = clock_realtime_usec();
	int64_t now_s = (int64_t) (now_usec / 1000000);
	size_t base_len = strlen(base);
	enum command_reminder_answer answer;
	const char *name, *reason = NULL;
	char id[160];
	int r;

	if (strncmp(topic, base, base_len) != 0 || strncmp(topic + base_len, "/reminder/", 10) != 0)
		return false;
	name = topic + base_len + 10;
	if (!known_name(name)) {
		log_warning("ignoring an answer on '%s': no reminder '%s' (known: %s, stretch)",
			    topic, name, REMINDER_FOOT_SOAK);
		return true;
	}
	if (command_parse_reminder_answer(payload, len, &answer, &reason) < 0) {
		log_warning("ignoring an answer on '%s': %s", topic, reason);
		return true;
	}
	snprintf(id, sizeof(id), "%s-reminder-%s-%llx", node_id, name,
		 (unsigned long long) (now_usec / 1000));
	r = store ? store_reminder_answer_add(store, id, name,
					      command_reminder_answer_to_string(answer), now_s,
					      clock_local_offset_s(now_s))
		  : -ENODEV;
	if (r < 0) {
		log_error_errno(r, "reminder %s: cannot keep the answer '%s'", name,
				command_reminder_answer_to_string(answer));
		return true;
	}
	log_info("reminder %s: %s", name, command_reminder_answer_to_string(answer));
	return true;
}

int reminder_foot_soak_done(struct store *store, int64_t now_s)
{
	int tz = clock_local_offset_s(now_s);
	int64_t tonight = cramp_night_start(cramp_night_of(now_s, tz), tz);
	int r;

	if (!store)
		return -1;
	r = store_reminder_answered(store, REMINDER_FOOT_SOAK, false, now_s - KNOWN_FOR_S, now_s);
	if (r <= 0)
		return -1;
	r = store_reminder_answered(store, REMINDER_FOOT_SOAK, true, tonight, now_s);
	return r < 0 ? -1 : r;
}
