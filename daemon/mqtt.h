#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#include "config/config.h"

/*
 * The largest message the daemon takes from the broker: its commands and the
 * devices' payloads are a few hundred bytes. A larger one is dropped as it
 * arrives, before it is copied, with a (rate-limited) warning. libmosquitto
 * 2.0 has no option to refuse it earlier (no client-side maximum for incoming
 * packets; see docs/reliability.md for the broker's message_size_limit).
 */
#define MQTT_MESSAGE_MAX (64 * 1024)

/*
 * The MQTT connection, driven by the daemon's sd-event loop (no libmosquitto
 * thread). It keeps <base>/availability: "online" (retained) once connected,
 * "offline" as the last will and on a clean stop. It reconnects with
 * exponential back-off and jitter (1 s to 60 s) and restores subscriptions.
 * A broker named by a host name is looked up before each attempt off the loop,
 * given MQTT_RESOLVE_TIMEOUT_USEC (mqtt-resolve.h); a name that does not
 * resolve in time is a failed attempt like any other.
 *
 * Parts of the daemon subscribe with their own handler and hold the returned
 * slot, as sd_bus_add_match() does: the connection matches each message
 * against the slots' filters (wildcards included) and calls every matching
 * handler; freeing a slot unsubscribes. Nothing in between compares topics on
 * a part's behalf. A part that cares about the connection itself (to re-send
 * on reconnect, or to hear that the broker took a QoS 1 message) holds a
 * watch slot the same way.
 *
 * Messages are never queued while disconnected: a publish then fails with
 * -ENOTCONN and the caller decides what to re-send on connect.
 */

struct mqtt;
struct mqtt_slot;

/* For the owner of the connection (the manager). */
struct mqtt_callbacks {
	/* The broker accepted us; availability is "online" and subscriptions restored. */
	void (*connected)(void *userdata);
	/* The connection was lost (a reconnect is already scheduled). */
	void (*disconnected)(void *userdata);
	/* mqtt_stop() has finished: "offline" was sent (or could not be). */
	void (*stopped)(void *userdata);
	/* The broker cannot be reached for a new cause: mqtt_unreachable_reason() says which. */
	void (*unreachable)(void *userdata);
};

/* A message on a subscribed topic; borrowed for the handler's call. */
struct mqtt_message {
	const char *topic;
	const void *payload; /* not NUL-terminated */
	size_t len;
	bool retained;
};

typedef void (*mqtt_message_handler_t)(const struct mqtt_message *msg, void *userdata);

/* What a watch hears about the connection; any member may be NULL. */
struct mqtt_watch_callbacks {
	/* Connected (again), subscriptions restored: re-send what waits. */
	void (*connected)(struct mqtt *m, void *userdata);
	/* The connection was lost. */
	void (*disconnected)(struct mqtt *m, void *userdata);
	/* The broker acknowledged the QoS 1 publish @mid. */
	void (*published)(struct mqtt *m, int mid, void *userdata);
};

/* The event loop @m runs on (for a part that gets it only with the connection). */
sd_event *mqtt_get_event(const struct mqtt *m);

/*
 * Creates the client from @cfg (copied) on @event; nothing is sent until
 * mqtt_start(). @cb and @userdata must outlive the client. Returns 0 or a
 * negative errno.
 */
int mqtt_new(sd_event *event, const struct config_mqtt *cfg, const struct mqtt_callbacks *cb,
	     void *userdata, struct mqtt **ret);

/*
 * Disconnects without publishing "offline" (the broker sends the will); accepts
 * NULL. Slots still held stay valid but are detached: freeing them later only
 * frees memory.
 */
struct mqtt *mqtt_free(struct mqtt *m);

/*
 * Why the broker cannot be reached (a TLS verification failure, "Connection
 * refused", ...), as last reported at warning; NULL once connected or before
 * the first attempt failed.
 */
const char *mqtt_unreachable_reason(const struct mqtt *m);

/* Starts connecting; failures are retried with back-off. Returns 0 or a negative errno. */
int mqtt_start(struct mqtt *m);

/* Publishes "offline" (retained), waits for the broker's ack (at most 2 s), disconnects, then
 * calls the stopped callback. Returns 0 or a negative errno. */
int mqtt_stop(struct mqtt *m);

bool mqtt_is_connected(const struct mqtt *m);

/* The base topic this client publishes under (owned by the client). */
const char *mqtt_base_topic(const struct mqtt *m);

/*
 * Subscribes to @filter (may hold '+' and '#') with @qos, now when connected and
 * again on every reconnect; every message matching it calls @handler with
 * @userdata. The caller owns *ret_slot and frees it with mqtt_slot_free(),
 * which unsubscribes from the broker once no other slot holds the same filter.
 * Returns 0, -EINVAL for an invalid filter, or another negative errno; a
 * failed SUBSCRIBE while connected is logged and retried on reconnect. One
 * the broker refuses (its ACL: a SUBACK of 0x80) is logged as an error naming
 * the filter, the broker and the user, once a connection.
 */
int mqtt_subscribe(struct mqtt *m, const char *filter, int qos, mqtt_message_handler_t handler,
		   void *userdata, struct mqtt_slot **ret_slot);

/* As mqtt_subscribe() for "<base>/<suffix>". */
int mqtt_subscribe_below(struct mqtt *m, const char *suffix, int qos,
			 mqtt_message_handler_t handler, void *userdata,
			 struct mqtt_slot **ret_slot);

/*
 * Watches the connection: @cb (borrowed, must outlive the slot) with @userdata.
 * Watches are called in the order they were added. Returns 0 or -ENOMEM.
 */
int mqtt_watch(struct mqtt *m, const struct mqtt_watch_callbacks *cb, void *userdata,
	       struct mqtt_slot **ret_slot);

/*
 * Frees a slot from mqtt_subscribe() or mqtt_watch(): its handler is not called
 * again (safe from inside a handler). Accepts NULL; returns NULL.
 */
struct mqtt_slot *mqtt_slot_free(struct mqtt_slot *slot);

/* The filter of a subscription slot, NULL for a watch (owned by the slot). */
const char *mqtt_slot_filter(const struct mqtt_slot *slot);

/*
 * Publishes on @topic. Returns 0 and the message id in *ret_mid (may be NULL)
 * once the message is handed to the socket layer, -ENOTCONN when not
 * connected, or another negative errno.
 */
int mqtt_publish(struct mqtt *m, const char *topic, const void *payload, size_t len, int qos,
		 bool retain, int *ret_mid);

/* As mqtt_publish() for a topic below the base topic ("<base>/<suffix>"). */
int mqtt_publish_below(struct mqtt *m, const char *suffix, const void *payload, size_t len, int qos,
		       bool retain, int *ret_mid);
