#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actuators/heater.h"

/*
 * Internal to one heater (heater.h): its state, shared by heater.c (commands,
 * reports, timers, the decision), heater-answers.c (what the plug's answers
 * tell apart: echoes of superseded commands, state words and the trips they
 * count, the hold after a trip, and when the desired state goes out again by
 * itself) and heater-offline.c (heater_offline's bucket, and what the plug
 * said that made it offline). Only heater-answers.c writes told_usec, echoed,
 * trips, held_usec and sent_since_word: heater.c calls it.
 */

struct heater {
	struct heater_preset *preset;
	struct heater_params p; /* numbers only: the strings belong to the caller */
	struct heater_messages outbox;
	unsigned alerts_before;  /* at the start of the current call */
	enum heater_event event; /* of the current call */

	bool connected;
	bool force_send; /* the next heater_set() sends even without a change */
	enum heater_relay desired, confirmed;
	enum heater_availability availability;
	bool offline_before; /* at the start of the current call */

	/* heater_offline's bucket (see heater.h): offline time less online time, up to now. */
	uint64_t bucket_usec, bucket_at_usec;
	bool offline_alert;
	char *said_topic; /* what made it offline, for the journal */
	char *said;
	size_t said_len;

	bool pending;       /* a command waits for its confirmation */
	unsigned attempts;  /* sends of the current command */
	uint64_t sent_usec; /* last send */
	uint64_t on_usec;   /* last ON sent: keep-alive */
	bool unconfirmed;   /* alert */
	/*
	 * When each state was last sent ([on]); 0: never (CLOCK_MONOTONIC is well
	 * past 0 once a daemon connected and sends). The plug's answer to one
	 * since superseded may come after the next went out (an echo).
	 */
	uint64_t told_usec[2];
	/* When the relay was last wanted otherwise, and last reported: did it answer "no"? */
	uint64_t desired_usec, report_usec;
	bool reported;
	bool echoed;   /* the last relay report was an echo: not said against the command */
	bool returned; /* back from offline, no relay report since: its first is no switch */
	/* The plug's last word not taken, until it says a relay state; said in this call. */
	struct heater_word word;
	bool word_now, word_news;
	/*
	 * Trips (state words) in a row, and since when the plug holds what it is
	 * told after the last (0: it does not): the slow retry backs off, and the
	 * alert waits for a hold rather than ending at each brief "on".
	 */
	unsigned trips;
	uint64_t held_usec;
	bool sent_since_word; /* a command went out after the last word: the next is a trip */

	bool power_known; /* a report since the relay last changed */
	double power_w;
	bool energy_known;
	double energy_kwh;
	bool low;          /* the last power report while on was below min_power_w */
	uint64_t low_usec; /* since then */
	bool no_power;
};

/* @a - @b, or 0 when @b is later: time never runs backwards here. */
static inline uint64_t heater_usec_since(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* @a + @b, or HEATER_NO_WAKEUP where that would overflow. */
static inline uint64_t heater_usec_add(uint64_t a, uint64_t b)
{
	return a > HEATER_NO_WAKEUP - b ? HEATER_NO_WAKEUP : a + b;
}

static inline uint64_t heater_usec_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The broker is there and the plug not known to be offline. */
static inline bool heater_reachable(const struct heater *h)
{
	return h->connected && h->availability != HEATER_AVAILABILITY_OFFLINE;
}

/* ... and there is a decision made since the broker came back. */
static inline bool heater_may_send(const struct heater *h)
{
	return heater_reachable(h) && h->desired != HEATER_RELAY_UNKNOWN && !h->force_send;
}

/* heater-answers.c */

/* A command for @on goes out (into the outbox) at @now_usec. */
void heater_told(struct heater *h, bool on, uint64_t now_usec);

/* A report of @relay is the plug's late answer to a command since superseded. */
bool heater_echo(const struct heater *h, enum heater_relay relay, uint64_t now_usec);

/* The plug reports @relay: keeps whether it was an echo (h->echoed). */
void heater_relay_heard(struct heater *h, enum heater_relay relay, uint64_t now_usec);

/* The plug said @w (not a relay state): keeps it, counts a trip, unconfirms the command. */
void heater_word_report(struct heater *h, const struct heater_word *w, uint64_t now_usec);

/* Unconfirmed, but the plug now holds what it is told: the alert waits out the hold. */
bool heater_holding(const struct heater *h);

/* The plug reports the desired state: ends heater_unconfirmed, or after a trip starts the hold. */
void heater_confirms(struct heater *h, uint64_t now_usec);

/*
 * Ends heater_unconfirmed once the plug held what it is told for
 * unconfirmed_retry. Returns when it will (HEATER_NO_WAKEUP: no hold waits).
 */
uint64_t heater_hold_end(struct heater *h, uint64_t now_usec);

/* Keep-alives are due: on, with an auto-off, and not a plug that trips at each ON. */
bool heater_keeps_alive(const struct heater *h);

/* The slow retry's interval while unconfirmed, backed off by the trips. */
uint64_t heater_retry_interval(const struct heater *h);

/* In how long the desired state goes out again by itself; 0: in the outbox now. */
uint64_t heater_resend_in(const struct heater *h, uint64_t now_usec);

/* heater-offline.c */

/* Fills or empties the offline bucket up to @now_usec: at the start of each call. */
void heater_bucket_update(struct heater *h, uint64_t now_usec);

/* Raises or clears heater_offline by the bucket, after heater_bucket_update(). */
void heater_offline_alert(struct heater *h);

/* When heater_offline is raised or cleared unless the plug changes first (or HEATER_NO_WAKEUP). */
uint64_t heater_offline_alert_due(const struct heater *h);

/* Keeps @topic and at most HEATER_SAID_MAX bytes of @data for heater_offline_said(). */
void heater_keep_said(struct heater *h, const char *topic, const void *data, size_t len);
