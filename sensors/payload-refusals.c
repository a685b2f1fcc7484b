#include "sensors/payload-refusals.h"

#include <errno.h>

bool payload_refusals_warn(struct payload_refusals *p, int error)
{
	bool warn;

	/* The parsers' "json_key not found" and "value is null": another message. */
	if (p->key_seen && (error == -ENOENT || error == -ENODATA))
		return false;
	warn = !p->bad;
	p->bad = true;
	return warn;
}

void payload_refusals_parsed(struct payload_refusals *p)
{
	p->key_seen = true;
}

bool payload_refusals_accepted(struct payload_refusals *p)
{
	bool was_bad = p->bad;

	p->bad = false;
	p->key_seen = true;
	return was_bad;
}
