#pragma once

#include <stdbool.h>

/*
 * How loud to be about MQTT payloads a sensor refuses: a warning at the first
 * refusal, debug while refusals go on, a warning again after a good payload.
 * A JSON message without the configured key (or with it null) is, once the key
 * has been seen on the topic, another message of the same device (zigbee2mqtt
 * sends each attribute on its own, several a second): debug, always. Until the
 * key has been seen it warns once, so a typo in json_key is said.
 *
 * Pure: no I/O; the caller logs.
 */
struct payload_refusals {
	bool bad;      /* the last payload that counted was refused */
	bool key_seen; /* a payload was accepted on this topic */
};

/* A payload refused with @error (negative errno of the parser): whether to warn. */
bool payload_refusals_warn(struct payload_refusals *p, int error);

/* A payload accepted. */
void payload_refusals_accepted(struct payload_refusals *p);
