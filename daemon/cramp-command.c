#include "daemon/cramp-command.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config-escape.h"
#include "control/clock-set.h"
#include "control/cramp-tracker.h"
#include "daemon/clock.h"

#define PAYLOAD_MAX 2048
#define LATE_S      60
#define PAST_MAX_S  (30 * 86400)
#define AHEAD_OK_S  300 /* two clocks that both keep time: no more apart than this */

/* Appends "; @what" (or @what) to @buf: what of a report was left aside, for the log. */
static void set_aside(char *buf, size_t size, const char *what, const char *value)
{
	size_t n = strlen(buf);

	if (n < size)
		snprintf(buf + n, size - n, "%s%s '%.40s'", n ? "; " : "", what, value);
}

static int fail(char *reason, size_t reason_size, const char *text, int r)
{
	if (reason && reason_size)
		snprintf(reason, reason_size, "%s", text);
	return r;
}

/*
 * A detail that is not a string ({"leg": 5}), or one with a NUL character in
 * it: the detail (or what follows the NUL) is set aside into @aside, not the
 * cramp (a user trial: both refused the whole report). A time is no detail,
 * and a key not in @keys no cramp report: left for refuse_key().
 */
static void set_aside_odd_values(json_t *root, const char *const *keys, size_t n_keys, char *aside,
				 size_t aside_size)
{
	const char *key;
	json_t *value;
	void *next;

	json_object_foreach_safe(root, next, key, value)
	{
		size_t i = 0;
		char what[64];

		while (i < n_keys && strcmp(key, keys[i]) != 0)
			i++;
		if (i == n_keys || strcmp(key, "time") == 0)
			continue;
		if (!json_is_string(value)) {
			char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);

			snprintf(what, sizeof(what), "%.40s (not a string)", key);
			set_aside(aside, aside_size, what, text ? text : "?");
			free(text);
			(void) json_object_del(root, key);
		} else if (strlen(json_string_value(value)) != json_string_length(value)) {
			const char *s = json_string_value(value);

			snprintf(what, sizeof(what), "%.40s after a NUL character", key);
			set_aside(aside, aside_size, what, s + strlen(s) + 1);
			(void) json_object_set_new(root, key, json_string(s));
		}
	}
}

/*
 * A key of @root not in @keys, or a time that is not a string: refused,
 * named (a user trial: "unknown key or a value that is not a string" left the
 * sender to guess which of its keys).
 */
static int refuse_key(json_t *root, const char *const *keys, size_t n_keys, char *reason,
		      size_t reason_size)
{
	const char *key;
	json_t *value;

	json_object_foreach(root, key, value)
	{
		size_t i = 0, fit = config_utf8_fit(key, 40);
		char known[96] = "";
		int at = 0;

		while (i < n_keys && strcmp(key, keys[i]) != 0)
			i++;
		if (i < n_keys && json_is_string(value))
			continue;
		if (!reason || !reason_size)
			return -EBADMSG;
		if (i < n_keys) {
			snprintf(reason, reason_size, "'%.*s%s' is not a string", (int) fit, key,
				 key[fit] ? "..." : "");
			return -EBADMSG;
		}
		/* "leg, site, ... or pressed", from @keys itself */
		for (size_t k = 0; k < n_keys && at >= 0 && (size_t) at < sizeof(known); k++) {
			const char *sep = k == 0 ? "" : k + 1 < n_keys ? ", " : " or ";

			at +=
			    snprintf(known + at, sizeof(known) - (size_t) at, "%s%s", sep, keys[k]);
		}
		snprintf(reason, reason_size, "unknown key '%.*s%s' (not %s)", (int) fit, key,
			 key[fit] ? "..." : "", known);
		return -EBADMSG;
	}
	return 0;
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
			char *reason, size_t reason_size)
{
	assert(ret);
	static const char *const keys[] = { "leg", "site", "time", "note", "source", "pressed" };
	struct cramp_command c = { .leg = "unknown", .source = "command" };
	const char *leg = NULL, *site = NULL, *time = NULL, *note = NULL, *source = NULL,
		   *pressed = NULL;
	json_error_t error;
	json_t *root;
	size_t blank = 0;
	int r = 0;

	if (len == 0)
		return fail(reason, reason_size, "empty: a cramp report has a payload", -ENODATA);
	if (len > PAYLOAD_MAX)
		return fail(reason, reason_size, "payload too large", -EMSGSIZE);
	while (blank < len && strchr(" \t\r\n", ((const char *) data)[blank]))
		blank++;
	if (blank == len) {
		*ret = c; /* blank: a cramp now, leg unknown */
		return 0;
	}
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &error);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return fail(reason, reason_size, "not a JSON object", -EBADMSG);
	}
	/*
	 * A null is a detail not given, as the key left out is: a Home Assistant
	 * script fills in its template's empty fields so ({"note": null}).
	 */
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_is_null(json_object_get(root, keys[i])))
			(void) json_object_del(root, keys[i]);
	set_aside_odd_values(root, keys, sizeof(keys) / sizeof(keys[0]), c.set_aside,
			     sizeof(c.set_aside));
	r = refuse_key(root, keys, sizeof(keys) / sizeof(keys[0]), reason, reason_size);
	/* Every key now known and a string: the unpack takes them. */
	if (r == 0)
		(void) json_unpack_ex(root, &error, 0, "{s?s, s?s, s?s, s?s, s?s, s?s}", "leg",
				      &leg, "site", &site, "time", &time, "note", &note, "source",
				      &source, "pressed", &pressed);
	if (r < 0) {
		json_decref(root);
		return r;
	}
	/*
	 * A time it cannot place is refused; any other detail is not worth the
	 * cramp. A time ahead of ours is a clock that is wrong, more likely ours
	 * (a Pi without a clock chip, hours or days behind until NTP) than the
	 * phone's: kept as reported, said in ahead_s, up to as far ahead as a
	 * cramp may be back. Before our clock is set (2025) any time ahead is.
	 */
	/* A NUL in it (JSON_ALLOW_NUL) would leave a time that is not the one sent. */
	if (time && (strlen(time) != json_string_length(json_object_get(root, "time")) ||
		     clock_parse_iso8601(time, &c.time) < 0))
		r = fail(reason, reason_size, "time is not ISO-8601 (2026-01-31T03:10:00+01:00)",
			 -EINVAL);
	else if (time && c.time > now_s + PAST_MAX_S && now_s >= WALL_CLOCK_SET_AFTER_S)
		r = fail(reason, reason_size,
			 "time is more than 30 days ahead of this machine's clock", -ERANGE);
	else if (time && c.time < now_s - PAST_MAX_S)
		r = fail(reason, reason_size, "time is more than 30 days ago", -ERANGE);
	else if (time && c.time > now_s + AHEAD_OK_S)
		c.ahead_s = c.time - now_s;
	if (r == 0) {
		enum cramp_leg l;
		enum cramp_site st;

		if (!time && pressed)
			c.time = late_sending_time(pressed, now_s, &c.pressed_unused);
		/* In any case ("LEFT"), kept as the store and the report name it. */
		if (leg && cramp_leg_from_string(leg, &l) == 0)
			snprintf(c.leg, sizeof(c.leg), "%s", cramp_leg_to_string(l));
		else if (leg)
			set_aside(c.set_aside, sizeof(c.set_aside),
				  "leg (not left, right or unknown)", leg);
		if (site && cramp_site_from_string(site, &st) == 0 && st != CRAMP_SITE_UNKNOWN)
			snprintf(c.site, sizeof(c.site), "%s", cramp_site_to_string(st));
		else if (site)
			set_aside(c.set_aside, sizeof(c.set_aside),
				  "site (not calf, foot, thigh or buttock)", site);
		if (note) {
			size_t n = config_utf8_fit(note, CRAMP_NOTE_MAX);

			memcpy(c.note, note, n);
			c.note[n] = '\0';
			if (note[n])
				set_aside(c.set_aside, sizeof(c.set_aside),
					  "the note after its first 200 bytes", note + n);
		}
		if (source && source_is_valid(source))
			snprintf(c.source, sizeof(c.source), "%s", source);
		else if (source)
			set_aside(c.set_aside, sizeof(c.set_aside),
				  "source (not a short lowercase word)", source);
		*ret = c;
	}
	json_decref(root);
	return r;
}
