#pragma once

#include <stdbool.h>

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
 *
 * Pure: no I/O; the caller logs.
 */
struct payload_refusals {
	bool bad;      /* refusals are going on: the last good payload came before them */
	bool key_seen; /* a payload was parsed on this topic */
};

/* A payload refused with @error (negative errno of the parser): whether to warn. */
bool payload_refusals_warn(struct payload_refusals *p, int error);

/* A payload parsed (its value still to be checked): the key is on this topic. */
void payload_refusals_parsed(struct payload_refusals *p);

/*
 * A payload parsed and its value taken (a good payload): refusals are over.
 * Returns true when they had been going on (and warned about), so the caller
 * can say the payloads are readable again.
 */
bool payload_refusals_accepted(struct payload_refusals *p);
