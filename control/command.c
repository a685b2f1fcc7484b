#include "control/command.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Copies the payload into @buf as a string without surrounding blanks, and
 * unwraps {"<key>": value} (one key, a number or a string). Returns 0 or
 * -EMSGSIZE / -EBADMSG.
 */
static int payload_text(const void *data, size_t len, const char *key, char *buf, size_t size)
{
	char *p, *end;
	size_t n;

	if (len >= size || len > COMMAND_PAYLOAD_MAX)
		return -EMSGSIZE;
	/* An empty MQTT payload comes as NULL: memchr() and memcpy() must not see it. */
	if (len > 0 && memchr(data, '\0', len))
		return -EBADMSG;
	if (len > 0)
		memcpy(buf, data, len);
	buf[len] = '\0';
	p = buf + strspn(buf, " \t\r\n");
	for (end = p + strlen(p); end > p && isspace((unsigned char) end[-1]); end--)
		;
	*end = '\0';
	if (*p == '{') {
		/* The one JSON shape we take: {"key": 18.5} or {"key": "heat"}. */
		size_t klen = strlen(key);

		p++;
		p += strspn(p, " \t\r\n");
		if (*p != '"' || strncmp(p + 1, key, klen) != 0 || p[1 + klen] != '"')
			return -EBADMSG;
		p += klen + 2;
		p += strspn(p, " \t\r\n");
		if (*p != ':')
			return -EBADMSG;
		p++;
		p += strspn(p, " \t\r\n");
		if (end <= p || end[-1] != '}')
			return -EBADMSG;
		*--end = '\0';
		while (end > p && isspace((unsigned char) end[-1]))
			*--end = '\0';
		n = strlen(p);
		if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
			p[n - 1] = '\0';
			p++;
		}
		if (strpbrk(p, "\"{}[],:"))
			return -EBADMSG;
	}
	memmove(buf, p, strlen(p) + 1);
	return buf[0] ? 0 : -EBADMSG;
}

int command_parse_floor(const void *data, size_t len, double min_c, double max_c, double *ret_c,
			const char **ret_reason)
{
	char buf[COMMAND_PAYLOAD_MAX + 1], *end;
	const char *reason = NULL;
	double v;
	int r;

	assert(ret_c);
	r = payload_text(data, len, "floor", buf, sizeof(buf));
	if (r == -EMSGSIZE)
		reason = "payload too large";
	else if (r < 0)
		reason = "not a temperature";
	if (r >= 0) {
		/* Decimal only: strtod() also takes "0x14" (20), "infinity" and "nan(...)". */
		v = strtod(buf, &end);
		if (end == buf || *end != '\0' || !isfinite(v) ||
		    buf[strspn(buf, "0123456789.+-eE")] != '\0') {
			r = -EBADMSG;
			reason = "not a temperature";
		} else if (v < min_c || v > max_c) {
			r = -ERANGE;
			reason = "outside the allowed range";
			*ret_c = v;
		} else {
			*ret_c = round(v * 10) / 10;
		}
	}
	if (ret_reason)
		*ret_reason = reason;
	return r;
}

int command_parse_mode(const void *data, size_t len, enum command_mode *ret,
		       const char **ret_reason)
{
	char buf[COMMAND_PAYLOAD_MAX + 1];
	int r = payload_text(data, len, "mode", buf, sizeof(buf));

	assert(ret);
	if (r >= 0 && strcasecmp(buf, "heat") == 0)
		*ret = COMMAND_MODE_HEAT;
	else if (r >= 0 && strcasecmp(buf, "off") == 0)
		*ret = COMMAND_MODE_OFF;
	else if (r >= 0)
		r = -EBADMSG;
	if (ret_reason)
		*ret_reason = r == 0           ? NULL
			      : r == -EMSGSIZE ? "payload too large"
					       : "not 'heat' or 'off'";
	return r;
}

const char *command_mode_to_string(enum command_mode m)
{
	switch (m) {
	case COMMAND_MODE_HEAT:
		return "heat";
	case COMMAND_MODE_OFF:
		return "off";
	}
	return NULL;
}

static const char *const reminder_answers[] = {
	[COMMAND_REMINDER_DONE] = "done",
	[COMMAND_REMINDER_STARTED] = "started",
	[COMMAND_REMINDER_SNOOZE] = "snooze",
};

int command_parse_reminder_answer(const void *data, size_t len, enum command_reminder_answer *ret,
				  const char **ret_reason)
{
	char buf[COMMAND_PAYLOAD_MAX + 1];
	int r = payload_text(data, len, "answer", buf, sizeof(buf));

	assert(ret);
	if (r >= 0) {
		r = -EBADMSG;
		for (size_t i = 0; i < sizeof(reminder_answers) / sizeof(reminder_answers[0]); i++)
			if (strcasecmp(buf, reminder_answers[i]) == 0) {
				*ret = (enum command_reminder_answer) i;
				r = 0;
			}
	}
	if (ret_reason)
		*ret_reason = r == 0           ? NULL
			      : r == -EMSGSIZE ? "payload too large"
					       : "not 'done', 'started' or 'snooze'";
	return r;
}

const char *command_reminder_answer_to_string(enum command_reminder_answer a)
{
	return (size_t) a < sizeof(reminder_answers) / sizeof(reminder_answers[0])
		   ? reminder_answers[a]
		   : NULL;
}

bool command_is_stale(int64_t sent_s, int64_t now_s, unsigned long long max_age_usec)
{
	if (max_age_usec == 0 || sent_s >= now_s)
		return false;
	return (unsigned long long) (now_s - sent_s) * 1000000ULL > max_age_usec;
}

bool command_kept_setting_holds(const char *kept, const char *kept_file, const char *file_now)
{
	assert(file_now);
	return kept && (!kept_file || strcmp(kept_file, file_now) == 0);
}

void command_floor_text(double floor_c, char buf[static COMMAND_FLOOR_TEXT_MAX])
{
	snprintf(buf, COMMAND_FLOOR_TEXT_MAX, "%.1f", floor_c);
}

double command_floor_in_force(const char *kept, const char *kept_file, double file_c, double min_c,
			      double max_c, bool *ret_from_kept)
{
	char file_text[COMMAND_FLOOR_TEXT_MAX];
	double kept_c;
	bool from_kept;

	command_floor_text(file_c, file_text);
	from_kept = command_kept_setting_holds(kept, kept_file, file_text) &&
		    command_parse_floor(kept, strlen(kept), min_c, max_c, &kept_c, NULL) == 0;
	if (ret_from_kept)
		*ret_from_kept = from_kept;
	return from_kept ? kept_c : file_c;
}
