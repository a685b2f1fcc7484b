#include "sensors/payload-refusals.h"

#include <errno.h>

bool payload_refusals_warn(struct payload_refusals *p, int error, uint64_t now_usec)
{
	/* The parsers' "json_key not found" and "value is null": another message. */
	if (p->key_seen && (error == -ENOENT || error == -ENODATA))
		return false;
	if (p->bad)
		return false;
	p->bad = true;
	p->warned = !p->ever_warned || now_usec - p->warned_usec >= PAYLOAD_REFUSALS_QUIET_USEC;
	if (p->warned) {
		p->ever_warned = true;
		p->warned_usec = now_usec;
	}
	return p->warned;
}

void payload_refusals_parsed(struct payload_refusals *p)
{
	p->key_seen = true;
}

bool payload_refusals_accepted(struct payload_refusals *p)
{
	bool was_bad = p->bad && p->warned;

	p->bad = false;
	p->warned = false;
	p->key_seen = true;
	return was_bad;
}
