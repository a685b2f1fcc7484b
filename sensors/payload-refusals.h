#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * How loud to be about MQTT payloads a sensor refuses: a warning at the first
 * refusal, debug while refusals go on, a warning again after a good payload.
 * A payload that parses but whose value the plausibility checks reject (85 °C,
 * -127 °C) is not a good one: it leaves the refusals going on (the checks have
 * their own once-then-debug, see sensors/reading-check.h), so a device mixing
 * garbage with implausible values warns once, not at each garbage message.
 * A JSON message without the configured key (or with it null) is, once the key
 * has been seen on the topic, another message of the same device (zigbee2mqtt
 * sends each attribute on its own, several a second): debug, always. Until the
 * key has been seen it warns once, so a typo in json_key is said.
 * A flaky device, good payloads between bad ones, warns at most once in
 * PAYLOAD_REFUSALS_QUIET_USEC: the refusals that begin within it after a
 * warning are debug, and so is their end.
 *
 * Pure: no I/O; the caller logs.
 */
#define PAYLOAD_REFUSALS_QUIET_USEC (3600ULL * 1000000ULL)

struct payload_refusals {
	bool bad;             /* refusals are going on: the last good payload came before them */
	bool key_seen;        /* a payload was parsed on this topic */
	bool warned;          /* these refusals were warned about */
	bool ever_warned;     /* warned_usec holds the last warning */
	uint64_t warned_usec; /* monotonic */
};

/*
 * A payload refused with @error (negative errno of the parser) at @now_usec
 * (monotonic): whether to warn.
 */
bool payload_refusals_warn(struct payload_refusals *p, int error, uint64_t now_usec);

/* A payload parsed (its value still to be checked): the key is on this topic. */
void payload_refusals_parsed(struct payload_refusals *p);

/*
 * A payload parsed and its value taken (a good payload): refusals are over.
 * Returns true when they had been going on and warned about, so the caller
 * can say the payloads are readable again.
 */
bool payload_refusals_accepted(struct payload_refusals *p);
