#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * A cramp reported on <base>/cramp: a blank payload, or JSON with optional
 * "leg" (left, right, unknown), "site" (calf, foot, thigh, buttock), "time"
 * (ISO-8601, for a cramp remembered later), "note" (at most 200 bytes) and
 * "source" (who reports it: home_assistant, bedroomctl, ...); leg and site in
 * any case ("LEFT"); any of them null is not given (a Home Assistant script's
 * empty field). A report is never lost for a detail: a leg, site or source
 * it does not know is left aside (the cramp logged without it, and said in
 * set_aside), a longer note cut at 200 bytes; only a time it cannot place is
 * refused, as is what is not such a JSON object. "pressed"
 * (ISO-8601) is when the sender sent it by its own clock: a report that comes
 * more than a minute late (bedroomd was away) keeps it as the cramp's time; one
 * that comes in time, or from a clock ahead of ours, is a cramp now. A
 * zero-length payload is none: it is what clearing a retained message sends.
 */

#define CRAMP_NOTE_MAX 200
/* Room for any reason cramp_command_parse() gives, a key it names included. */
#define CRAMP_REASON_MAX 128

struct cramp_command {
	char leg[8];  /* "left", "right", "unknown" */
	char site[8]; /* "calf", ...; "" when not given */
	int64_t time; /* Unix seconds; 0 when not given (now) */
	char note[CRAMP_NOTE_MAX + 1];
	char source[32]; /* "command" when not given */
	/* How far its time is ahead of this machine's clock when more than 5 minutes; else 0. */
	int64_t ahead_s;
	/* Why a "pressed" was left aside ("not a time", ...), for the log; NULL if it was not. */
	const char *pressed_unused;
	/* The details left aside, for the log ("leg (not left, ...) 'middle'"); "" if none. */
	char set_aside[256];
};

/*
 * Parses the @len bytes at @data. A time more than 30 days before @now_s is
 * refused, as is one more than 30 days after it unless @now_s was read before
 * the clock was set (before WALL_CLOCK_SET_AFTER_S: no NTP yet); one ahead of
 * @now_s by more than 5 minutes is kept as reported (this machine's clock is
 * the likelier to be wrong) and said in ahead_s; a "pressed" that is not a late sending's time (or
 * not a time) is left aside, never a reason to lose a cramp. Returns 0 and
 * fills *ret, or -ENODATA / -EMSGSIZE (the payload) / -EBADMSG / -EINVAL /
 * -ERANGE (the time) with a short reason in @reason (@reason_size bytes,
 * CRAMP_REASON_MAX for all of it; NULL: none), which names a key it does not
 * know or one whose value is not a string.
 */
int cramp_command_parse(const void *data, size_t len, int64_t now_s, struct cramp_command *ret,
			char *reason, size_t reason_size);
