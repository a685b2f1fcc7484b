#include "daemon/cramp-command.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "daemon/clock.h"

#define PAYLOAD_MAX 2048
#define LATE_S      60
#define PAST_MAX_S  (30 * 86400)

static bool one_of(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(v, *list) == 0)
			return true;
	return false;
}

static int fail(const char **ret_reason, const char *reason, int r)
{
	if (ret_reason)
		*ret_reason = reason;
	return r;
}

static bool source_is_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/*
 * The sender's clock, taken only where ours cannot know better: a message held
 * by the broker while bedroomd was away. Within a minute (a clock a little
 * off either way) or ahead of ours, the arrival is the time: 0.
 */
static int64_t late_sending_time(const char *pressed, int64_t now_s, const char **ret_unused)
{
	int64_t t;

	if (clock_parse_iso8601(pressed, &t) < 0) {
		*ret_unused = "not an ISO-8601 time";
		return 0;
	}
	if (t < now_s - PAST_MAX_S) {
		*ret_unused = "more than 30 days ago";
		return 0;
	}
	return t > now_s - LATE_S ? 0 : t; /* in time, or a clock ahead of ours: now */
}

int cramp_command_parse(const void *data, size_t len, int64_t now_s, struct cramp_command *ret,
			const char **ret_reason)
{
	assert(ret);
	static const char *const legs[] = { "left", "right", "unknown", NULL };
	static const char *const sites[] = { "calf", "foot", "thigh", "buttock", NULL };
	struct cramp_command c = { .leg = "unknown", .source = "command" };
	const char *leg = NULL, *site = NULL, *time = NULL, *note = NULL, *source = NULL,
		   *pressed = NULL;
	json_error_t error;
	json_t *root;
	size_t blank = 0;
	int r = 0;

	if (len == 0)
		return fail(ret_reason, "empty: a cramp report has a payload", -ENODATA);
	if (len > PAYLOAD_MAX)
		return fail(ret_reason, "payload too large", -EMSGSIZE);
	while (blank < len && strchr(" \t\r\n", ((const char *) data)[blank]))
		blank++;
	if (blank == len) {
		*ret = c; /* blank: a cramp now, leg unknown */
		return 0;
	}
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &error);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return fail(ret_reason, "not a JSON object", -EBADMSG);
	}
	if (json_unpack_ex(root, &error, JSON_STRICT, "{s?s, s?s, s?s, s?s, s?s, s?s}", "leg", &leg,
			   "site", &site, "time", &time, "note", &note, "source", &source,
			   "pressed", &pressed) < 0) {
		json_decref(root);
		return fail(ret_reason, "unknown key or a value that is not a string", -EBADMSG);
	}
	if (leg && !one_of(leg, legs))
		r = fail(ret_reason, "leg must be left, right or unknown", -EINVAL);
	else if (site && !one_of(site, sites))
		r = fail(ret_reason, "site must be calf, foot, thigh or buttock", -EINVAL);
	else if (note && strlen(note) > CRAMP_NOTE_MAX)
		r = fail(ret_reason, "note longer than 200 bytes", -EMSGSIZE);
	else if (source && !source_is_valid(source))
		r = fail(ret_reason, "source must be a short lowercase word", -EINVAL);
	else if (time && clock_parse_iso8601(time, &c.time) < 0)
		r = fail(ret_reason, "time is not ISO-8601 (2026-01-31T03:10:00+01:00)", -EINVAL);
	else if (time && (c.time > now_s + 300 || c.time < now_s - PAST_MAX_S))
		r = fail(ret_reason, "time is in the future or more than 30 days ago", -ERANGE);
	if (r == 0) {
		if (!time && pressed)
			c.time = late_sending_time(pressed, now_s, &c.pressed_unused);
		if (leg)
			snprintf(c.leg, sizeof(c.leg), "%s", leg);
		if (site)
			snprintf(c.site, sizeof(c.site), "%s", site);
		if (note)
			snprintf(c.note, sizeof(c.note), "%s", note);
		if (source)
			snprintf(c.source, sizeof(c.source), "%s", source);
		*ret = c;
	}
	json_decref(root);
	return r;
}
