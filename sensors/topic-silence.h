#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Whether anything at all arrives on an MQTT thermometer's topic. A topic that
 * stays silent after subscribing is most often misspelled (or its device is
 * off the network), and that would otherwise show only as sensor_stale, an
 * hour (max_age) later. Any message counts as heard: retained, refused or
 * without the json_key, it proves the topic is the device's.
 *
 * The silence is said once, when the topic has been listened to for
 * TOPIC_SILENCE_MAX_USEC (or the sensor's max_age, when shorter) with no
 * message; the first message after that is said too. Listening runs while the
 * connection is up, from when its subscriptions were sent (the SUBACK follows
 * within a round trip, a moment against minutes); it starts afresh on each
 * connection, since a topic cannot be heard while disconnected.
 *
 * Pure: time is CLOCK_MONOTONIC microseconds from the caller; no clock, no I/O.
 */

/*
 * Ten minutes: ESPHome retains its states (heard at once), Tasmota sends
 * tele/.../SENSOR every 5 min by default, and the README asks for a device
 * that reports every few minutes; zigbee2mqtt sends the whole state on every
 * attribute report (humidity, battery, link quality too). A device that
 * reports only on change may stay quiet longer in a steady room, so the
 * warning says that; it is one line, and the first message clears it up.
 * A max_age shorter than this says the device reports more often, so the
 * silence is said after max_age.
 */
#define TOPIC_SILENCE_MAX_USEC (10 * 60 * 1000000ULL)

struct topic_silence {
	uint64_t after_usec; /* silence this long is said */
	uint64_t since_usec; /* listening since (when listening) */
	bool listening;      /* subscribed on a connection that is up */
	bool heard;          /* a message arrived on the topic */
	bool warned;         /* the silence was said */
};

/* For a thermometer whose readings count for @max_age_usec (0: no limit). */
void topic_silence_init(struct topic_silence *t, uint64_t max_age_usec);

/* The subscription is out on a live connection at @now_usec (again a no-op while listening). */
void topic_silence_listen(struct topic_silence *t, uint64_t now_usec);

/* The connection is lost: nothing can be heard until it is back. */
void topic_silence_pause(struct topic_silence *t);

/* When topic_silence_check() must run next; UINT64_MAX when nothing is due. */
uint64_t topic_silence_due_usec(const struct topic_silence *t);

/* At @now_usec: true, once, when the silence is to be said now. */
bool topic_silence_check(struct topic_silence *t, uint64_t now_usec);

/* A message arrived: true, once, when it is the first after the silence was said. */
bool topic_silence_heard(struct topic_silence *t);
