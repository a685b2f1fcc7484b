#pragma once

/*
 * The bench's MQTT clients: libmosquitto driven by poll() in this thread,
 * TCP_NODELAY set, every message recorded with the time it was read
 * (CLOCK_MONOTONIC microseconds). A handler may answer a message at once (the
 * plugs confirming a command).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_client;

struct bench_msg {
	char *topic;
	char *payload; /* NUL-terminated copy */
	size_t len;
	bool retained;
	uint64_t at_usec;
};

typedef void (*bench_client_handler_t)(struct bench_client *c, const struct bench_msg *m,
				       void *userdata);

/* Connects to 127.0.0.1:@port as @id (clean session). Returns 0 or a negative errno. */
int bench_client_new(int port, const char *id, struct bench_client **ret);
struct bench_client *bench_client_free(struct bench_client *c);

/* Called for each message as it is read, after it is recorded. */
void bench_client_set_handler(struct bench_client *c, bench_client_handler_t h, void *userdata);

/* Subscribes to @filter (QoS 1) and waits for the SUBACK. Returns 0 or a negative errno. */
int bench_client_subscribe(struct bench_client *c, const char *filter);

/* Publishes (QoS @qos) and writes it to the socket at once. Returns 0 or a negative errno. */
int bench_client_publish(struct bench_client *c, const char *topic, const char *payload, int qos,
			 bool retain);

/* Waits up to @timeout_usec for traffic on any of @cs and handles it. Returns 0 or -EIO. */
int bench_clients_pump(struct bench_client **cs, size_t n, uint64_t timeout_usec);

/* The messages recorded so far (borrowed). */
size_t bench_client_messages(const struct bench_client *c, const struct bench_msg **ret);

/* Forgets the messages recorded so far. */
void bench_client_clear(struct bench_client *c);

/*
 * Pumps @c until a message on @topic (with @payload, if not NULL) arrives
 * after the @from-th recorded one, at most @timeout_usec. Returns its index or
 * -ETIMEDOUT.
 */
int bench_client_wait(struct bench_client *c, size_t from, const char *topic, const char *payload,
		      uint64_t timeout_usec);
