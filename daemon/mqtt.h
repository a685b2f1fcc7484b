#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#include "config/config.h"

/*
 * The MQTT connection, driven by the daemon's sd-event loop (no libmosquitto
 * thread). It keeps <base>/availability: "online" (retained) once connected,
 * "offline" as the last will and on a clean stop. It reconnects with
 * exponential back-off and jitter (1 s to 60 s) and restores subscriptions.
 *
 * Messages are never queued while disconnected: a publish then fails with
 * -ENOTCONN and the caller decides what to re-send on connect.
 */

struct mqtt;

struct mqtt_callbacks {
	/* The broker accepted us; availability is "online" and subscriptions restored. */
	void (*connected)(void *userdata);
	/* The connection was lost (a reconnect is already scheduled). */
	void (*disconnected)(void *userdata);
	/* A message on a subscribed topic. @payload is not NUL-terminated. */
	void (*message)(const char *topic, const void *payload, size_t len, void *userdata);
	/* The broker acknowledged the QoS 1 publish @mid. */
	void (*published)(int mid, void *userdata);
	/* mqtt_stop() has finished: "offline" was sent (or could not be). */
	void (*stopped)(void *userdata);
};

/*
 * Creates the client from @cfg (copied) on @event; nothing is sent until
 * mqtt_start(). @cb and @userdata must outlive the client. Returns 0 or a
 * negative errno.
 */
int mqtt_new(sd_event *event, const struct config_mqtt *cfg, const struct mqtt_callbacks *cb,
	     void *userdata, struct mqtt **ret);

/* Disconnects without publishing "offline" (the broker sends the will); accepts NULL. */
struct mqtt *mqtt_free(struct mqtt *m);

/* Starts connecting; failures are retried with back-off. Returns 0 or a negative errno. */
int mqtt_start(struct mqtt *m);

/* Publishes "offline" (retained), waits for the broker's ack (at most 2 s), disconnects, then
 * calls the stopped callback. Returns 0 or a negative errno. */
int mqtt_stop(struct mqtt *m);

bool mqtt_is_connected(const struct mqtt *m);

/* The base topic this client publishes under (owned by the client). */
const char *mqtt_base_topic(const struct mqtt *m);

/*
 * Subscribes to @topic (a filter, may hold wildcards) now if connected and on
 * every (re)connect. Returns 0 or a negative errno.
 */
int mqtt_subscribe(struct mqtt *m, const char *topic, int qos);

/* Forgets a subscription made with mqtt_subscribe(); returns 0, -ENOENT or -errno. */
int mqtt_unsubscribe(struct mqtt *m, const char *topic);

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
