/* A heating command's own time: see command-time.h. */
#include "daemon/command-time.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "control/command.h"
#include "daemon/clock.h"

int command_time_split(const void *payload, size_t len, int64_t *ret_time_s, char **ret_rest,
		       const char **ret_reason)
{
	const char *p = payload;
	size_t blank = 0;
	json_t *root, *time;
	int r = 0;

	*ret_rest = NULL;
	while (blank < len && strchr(" \t\r\n", p[blank]) && p[blank])
		blank++;
	if (len > COMMAND_PAYLOAD_MAX || blank == len || p[blank] != '{')
		return 0;
	root = json_loadb(payload, len, JSON_REJECT_DUPLICATES, NULL);
	time = json_is_object(root) ? json_object_get(root, "time") : NULL;
	if (!time) {
		json_decref(root);
		return 0; /* the command's own parser judges it */
	}
	if (!json_is_string(time) || clock_parse_iso8601(json_string_value(time), ret_time_s) < 0) {
		*ret_reason = "time is not ISO-8601 (2026-01-31T22:10:00+01:00)";
		r = -EBADMSG;
	} else {
		(void) json_object_del(root, "time");
		*ret_rest = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(10));
		r = *ret_rest ? 1 : -ENOMEM;
	}
	json_decref(root);
	return r;
}
