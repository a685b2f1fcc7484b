#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actuators/heater-preset.h"

/*
 * One heater: what the thermostat wants (desired) against what the plug says
 * (confirmed), with the time passed in. Pure: no clock, no I/O, no logging;
 * every call returns a decision the daemon carries out.
 *
 *  - A command is confirmed when the plug reports the desired relay state.
 *    Without that within confirm_timeout it is re-sent (retries times), then
 *    the heater_unconfirmed alert is raised (once; cleared by a confirmation)
 *    and the command is re-sent every unconfirmed_retry_usec.
 *  - A report of the other state while no command is pending (someone pressed
 *    the plug's button, its dead-man fired) re-sends the desired state, at most
 *    once per confirm_timeout.
 *  - A relay report that no command asked for is the decision's event, for the
 *    journal (the alerts stay as they are): HEATER_EVENT_SWITCHED when the plug
 *    was confirmed in the desired state and now says the other (switched by
 *    its button, its own timer, another automation); HEATER_EVENT_CONTRADICTS
 *    when heater_unconfirmed is active and the plug now says the opposite of
 *    its command (it said nothing since, or the command changed). The same
 *    report again is no event: a flapping plug gives one per switch, which the
 *    daemon rate-limits. Nor is an echo: the state of a command sent less than
 *    confirm_timeout ago and superseded since by one still waiting for its
 *    answer (told OFF, then ON before its "off" came): no event, not the
 *    opposite of its command (contradicts), and nothing sent for it; the
 *    waiting command is re-sent at its timeout if the plug stays so.
 *  - A word of the plug's on its state topic that is neither on nor off (a
 *    Shelly Gen1's "overpower": its protection tripped the relay) means the
 *    relay is not known: the plug is no longer taken as on (or off), and the
 *    command is unconfirmed at once, as one unanswered after its retries:
 *    heater_unconfirmed, re-sent unconfirmed_retry_usec after the last send,
 *    doubling at each further trip (a word after a relay state) up to
 *    HEATER_TRIP_RETRY_MAX_USEC, with no keep-alive meanwhile; the count is
 *    forgotten once the plug held what it was told that long. The alert ends
 *    once the plug has held the desired state for unconfirmed_retry_usec, not
 *    at the brief "on" of a plug that trips again at once. A
 *    device's error in reply to a command (Shelly) confirms nothing: the
 *    command waits on as if unanswered. Either word is the decision's word,
 *    for the journal; news when it is another than the plug said last, or
 *    the first since it said a relay state.
 *  - The plug's last will says offline: at once, no ON and no keep-alive is
 *    sent to it (state offline) until it is back online, then the desired
 *    state is sent at once. OFF still goes out (a bridge or a plug in a Wi-Fi
 *    blip may still take it), once, when wanted: no retries, nothing waits for
 *    its confirmation.
 *    Each change is the decision's event (HEATER_EVENT_OFFLINE, _ONLINE), for
 *    the journal. The heater_offline alert waits for the grace (see
 *    HEATER_OFFLINE_GRACE_USEC): offline time fills a bucket, online time
 *    empties it at the same rate, between 0 and the grace. The alert is raised
 *    when the bucket is full (offline for the grace, or a flapping plug
 *    offline more than online) and cleared when it is empty again (online
 *    for as long after an outage). While the broker is away the bucket stands
 *    still: nothing is heard either way.
 *  - Keep-alive: while on with an auto-off, ON (with the auto-off) is re-sent
 *    at half the auto-off, so the plug's own timer never runs out while
 *    bedroomd lives, and does when it dies. One sent while a command waits
 *    for its confirmation does not restart the wait nor count as a retry.
 *  - Power: confirmed on while the reported power stays below min_power_w for
 *    no_power_usec is no_power (a state, not an alert: the thermostat's
 *    heating_no_effect alert takes the power through heater_get_status()).
 *  - Broker: the daemon calls heater_connection(false) when the connection
 *    drops: from then on nothing is sent and nothing queued, and what the plug
 *    said is forgotten. heater_connection(true) after reconnecting (and
 *    subscribing) returns redecide: the daemon then runs the thermostat and calls
 *    heater_set(), which sends the fresh decision even if it did not change.
 *
 * Use by the daemon:
 *   heater_new() per [heater.NAME]; subscribe to heater_subscription(h, i)
 *   in the connect callback, then heater_connection(h, true, now, &d);
 *   heater_set(h, on, now, &d) after every thermostat step (start-up and
 *   shutdown: off); heater_receive() for every message, until one returns
 *   other than -ENOENT; heater_tick() by d.next_wakeup_usec; after every call,
 *   publish d.messages (QoS 0, not retained), raise / clear d.alerts_*, and if
 *   d.redecide run the thermostat and call heater_set() now.
 */

enum heater_alert {
	HEATER_ALERT_UNCONFIRMED, /* the plug did not confirm a command, after retries */
	HEATER_ALERT_OFFLINE,     /* the plug's last will: offline */
	_HEATER_ALERT_MAX,
};

#define HEATER_ALERT_BIT(a) (1u << (unsigned) (a))

/*
 * How long a plug is offline before heater_offline is raised, and online
 * before it is cleared. A Tasmota or Shelly reconnects within seconds after a
 * broker restart or a Wi-Fi blip (its retained last will 'Offline' may come
 * first); each such blip was a notification on the phone at night. A
 * heater really gone is still told within a minute or two.
 */
#define HEATER_OFFLINE_GRACE_USEC (60ULL * 1000000ULL)

/* The most of an offline plug's availability payload kept for the journal. */
#define HEATER_SAID_MAX 64

/* One word for the state JSON, the first that holds in this order. */
enum heater_state {
	HEATER_STATE_OFFLINE,     /* the plug is offline */
	HEATER_STATE_UNCONFIRMED, /* heater_unconfirmed is active */
	HEATER_STATE_NO_POWER,    /* on, but it draws no power */
	HEATER_STATE_PENDING,     /* a command waits for its confirmation */
	HEATER_STATE_ON,          /* confirmed on */
	HEATER_STATE_OFF,         /* confirmed off */
	HEATER_STATE_UNKNOWN,     /* nothing confirmed (yet, or since the broker came back) */
};

#define HEATER_NO_WAKEUP UINT64_MAX

/* What a report said that no command asked for: a relay's, or the plug's availability. */
enum heater_event {
	HEATER_EVENT_NONE,
	HEATER_EVENT_SWITCHED,    /* confirmed, then the other state: switched by something else */
	HEATER_EVENT_CONTRADICTS, /* heater_unconfirmed active: now it says the opposite */
	HEATER_EVENT_OFFLINE,     /* the plug says it is offline (it was not) */
	HEATER_EVENT_ONLINE,      /* the plug is back online */
};

struct heater_decision {
	const struct heater_message *messages; /* publish in order; owned by the heater,
						* valid until the next call on it */
	unsigned n_messages;
	uint64_t next_wakeup_usec; /* call heater_tick() by then; HEATER_NO_WAKEUP: no need */
	bool redecide; /* run the thermostat now and call heater_set(): reconnected, an alert
			  changed */
	unsigned alerts_raised;  /* HEATER_ALERT_BIT()s newly raised by this call */
	unsigned alerts_cleared; /* newly cleared */
	unsigned alerts_active;
	enum heater_state state;
	/* Of a report; a relay's is NONE when the heater_unconfirmed raised now says it. */
	enum heater_event event;
	/* With a relay's event: the desired state goes out again in this long; 0: in messages;
	 * HEATER_NO_WAKEUP: not while the plug is offline. */
	uint64_t resend_in_usec;
	/* With HEATER_EVENT_OFFLINE: heater_offline is raised in this long unless the plug is
	 * back by then; with _ONLINE: cleared in this long unless it goes offline again. 0:
	 * nothing to wait for (raised already; or back, and never raised). */
	uint64_t alert_in_usec;
	/* What the plug's message said that is not taken (kind NONE: nothing), with
	 * resend_in_usec; news: another than it said last, or the first since it said a relay
	 * state (a word said again, at every keep-alive, is not). */
	struct heater_word word;
	bool word_news;
};

struct heater_status {
	enum heater_relay desired;   /* UNKNOWN before the first heater_set() */
	enum heater_relay confirmed; /* what the plug last said; UNKNOWN: nothing yet */
	enum heater_availability availability;
	bool power_known; /* a power report since the relay last changed */
	double power_w;
	bool energy_known;
	double energy_kwh;
	bool no_power;
	bool contradicts; /* the plug said the opposite of what it is told, since it was told */
	enum heater_state state;
	unsigned alerts_active;
};

struct heater;

/* Creates a heater (and its preset, see heater_preset_new()): 0, -EINVAL, -ENOMEM. */
int heater_new(const struct heater_params *p, struct heater **ret);

/* Frees @h; accepts NULL; returns NULL. */
struct heater *heater_free(struct heater *h);

/* Topics to subscribe to (QoS 1), the one that answers a command first; owned by @h. */
unsigned heater_n_subscriptions(const struct heater *h);
const char *heater_subscription(const struct heater *h, unsigned i);

/* The preset, for its type and dead-man; owned by @h. */
const struct heater_preset *heater_preset(const struct heater *h);

/*
 * The thermostat wants the relay @on. Sends a command when that changed, or
 * when the first after heater_connection(true). @now_usec: CLOCK_MONOTONIC.
 * Fills *ret. (Should building the command run out of memory, nothing is sent
 * and the confirmation timeout re-tries it.)
 */
void heater_set(struct heater *h, bool on, uint64_t now_usec, struct heater_decision *ret);

/*
 * A message arrived. Returns 0 and fills *ret, or -ENOENT (not this heater's
 * topic) or another error of heater_preset_parse(), leaving *ret untouched and
 * the heater as it was.
 */
int heater_receive(struct heater *h, const char *topic, const void *data, size_t len,
		   uint64_t now_usec, struct heater_decision *ret);

/* Timers: confirmation, retries, keep-alive, no power, heater_offline. Fills *ret. */
void heater_tick(struct heater *h, uint64_t now_usec, struct heater_decision *ret);

/* The broker connection went away (@connected false) or is back. Fills *ret. */
void heater_connection(struct heater *h, bool connected, uint64_t now_usec,
		       struct heater_decision *ret);

void heater_get_status(const struct heater *h, struct heater_status *ret);

/*
 * What the plug last said that made it offline, for the journal: its topic
 * and at most HEATER_SAID_MAX bytes of its payload (not NUL-terminated; *len
 * counts them), owned by @h and valid until the next call on it. Returns
 * false (and *topic NULL) before any, or when keeping it ran out of memory.
 */
bool heater_offline_said(const struct heater *h, const char **topic, const void **payload,
			 size_t *len);

/*
 * The word the plug last said that is not taken (see heater_update), or NULL
 * when it said a relay state since (or never one): for the journal and the
 * alert, which may come from a timer. Owned by @h, valid until the next call.
 */
const struct heater_word *heater_last_word(const struct heater *h);

/* "heater_unconfirmed", "heater_offline"; NULL if invalid. */
const char *heater_alert_to_string(enum heater_alert a);

/* "offline", "unconfirmed", "no_power", "pending", "on", "off", "unknown"; NULL if invalid. */
const char *heater_state_to_string(enum heater_state s);
