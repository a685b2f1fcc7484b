/* Answers to reminders, as they come from the broker: see reminder-command.h. */
#include "daemon/reminder-command.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

#define PAYLOAD_MAX 512

static int fail(const char **ret_reason, const char *reason, int r)
{
	if (ret_reason)
		*ret_reason = reason;
	return r;
}

/*
 * What a word that is no answer is told: the answers a reminder of @kind
 * takes, not every reminder's (a user trial: "none, left or right" for the
 * foot soak), as reminder_answer() lists them.
 */
static const char *no_answer(enum reminder_kind kind, bool json)
{
	switch (kind) {
	case REMINDER_KIND_TASK:
		return json ? "action is not started, done, snooze or skip"
			    : "not started, done, snooze or skip";
	case REMINDER_KIND_FOLLOW_UP:
		return json ? "action is not none, left, right, snooze or skip"
			    : "not none, left, right, snooze or skip";
	}
	return "not an answer";
}

int reminder_command_parse(const void *data, size_t len, enum reminder_kind kind,
			   struct reminder_command *ret, const char **ret_reason)
{
	struct reminder_command c = { .has_id = false };
	const char *action = NULL, *id = NULL, *p = data;
	json_error_t error;
	json_t *root;
	size_t blank = 0;
	int r;

	if (len > PAYLOAD_MAX)
		return fail(ret_reason, "payload too large", -EMSGSIZE);
	while (blank < len && strchr(" \t\r\n", p[blank]) && p[blank])
		blank++;
	if (blank == len || p[blank] != '{') {
		r = reminder_action_parse(data, len, &c.action, ret_reason);
		if (r == 0)
			*ret = c;
		else if (r == -EBADMSG)
			(void) fail(ret_reason, no_answer(kind, false), r);
		return r;
	}
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &error);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return fail(ret_reason, "not a JSON object", -EBADMSG);
	}
	/* Not strict: a button may carry more than bedroomd reads. */
	if (json_unpack_ex(root, &error, 0, "{s:s, s?s}", "action", &action, "id", &id) < 0)
		r = fail(ret_reason, "no \"action\", or an action or id that is not a string",
			 -EBADMSG);
	else if (reminder_action_from_string(action, &c.action) < 0)
		r = fail(ret_reason, no_answer(kind, true), -EBADMSG);
	else if (id && (strlen(id) == 0 || strlen(id) >= sizeof(c.id)))
		r = fail(ret_reason, "id is empty or too long", -EBADMSG);
	else
		r = 0;
	if (r == 0 && id) {
		c.has_id = true;
		memcpy(c.id, id, strlen(id) + 1);
	}
	if (r == 0) {
		*ret = c;
		if (ret_reason)
			*ret_reason = NULL;
	}
	json_decref(root);
	return r;
}
