#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "control/reminder-run.h"

/*
 * An answer to a reminder on <base>/reminder/<name>: one word in plain text
 * ("done", any case, blanks around it), for the run on show, or JSON
 * {"action": "done", "id": "<run id>"} (id optional) from a notification's
 * button, which names its own run.
 */

struct reminder_command {
	enum reminder_action action;
	bool has_id;
	char id[REMINDER_ID_MAX];
};

/*
 * Parses the @len bytes at @data, an answer to a reminder of @kind. Returns 0
 * and fills *ret, or -EMSGSIZE / -EBADMSG with a short static reason in
 * *ret_reason; a word that is no answer is told the answers @kind takes.
 */
int reminder_command_parse(const void *data, size_t len, enum reminder_kind kind,
			   struct reminder_command *ret, const char **ret_reason);
