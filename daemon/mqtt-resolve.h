#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

/*
 * The broker's host name, looked up off the event loop. getaddrinfo() blocks:
 * with the LAN's DNS server down or silent (a router rebooting at night, an
 * ISP outage upstream of it) it waits out resolv.conf's timeout for every
 * attempt, server, search domain and address family, 10-40 s, and the one loop
 * with it: buttons, timers and the systemd watchdog (WatchdogSec=30s: a
 * SIGABRT and a restart at every connection attempt). So each lookup runs in a
 * short-lived child, which writes its answer to a pipe the loop reads, and is
 * killed if it has not answered by MQTT_RESOLVE_TIMEOUT_USEC.
 */

/* How long a lookup may take before it counts as failed: "no answer from the name service". */
#define MQTT_RESOLVE_TIMEOUT_USEC (15ULL * 1000000ULL)

/* Addresses kept from an answer, in getaddrinfo()'s order (the preferred first). */
#define MQTT_RESOLVE_MAX_ADDRESSES 4

/* An address as numeric text: an IPv6 address with its scope ("%wlan0"), and the NUL. */
#define MQTT_RESOLVE_ADDRESS_MAX 64

struct mqtt_resolver;

/* What a lookup found; borrowed for the handler's call. */
struct mqtt_resolved {
	/*
	 * 0, or a negative errno: -ETIMEDOUT (no answer in time), -EHOSTUNREACH
	 * (the name does not resolve), -EAGAIN (the name service failed for now),
	 * -EPIPE (the child ended without an answer), another.
	 */
	int error;
	const char
	    *why; /* with an error: in words, for the journal ("Name or service not known") */
	size_t n_addresses; /* at least 1 without an error */
	const char *addresses[MQTT_RESOLVE_MAX_ADDRESSES];
};

typedef void (*mqtt_resolved_handler_t)(const struct mqtt_resolved *res, void *userdata);

/* Whether @host is an IPv4 or IPv6 address (inet_pton()): nothing to look up. */
bool mqtt_host_is_numeric(const char *host);

/*
 * A resolver for @host (copied) on @event: nothing runs until
 * mqtt_resolver_start(). Each lookup that is not cancelled ends in one call of
 * @handler with @userdata, from the loop; both must outlive the resolver.
 * Returns 0 or a negative errno.
 */
int mqtt_resolver_new(sd_event *event, const char *host, mqtt_resolved_handler_t handler,
		      void *userdata, struct mqtt_resolver **ret);

/* Cancels a lookup under way (its child killed) and frees; accepts NULL, returns NULL. */
struct mqtt_resolver *mqtt_resolver_free(struct mqtt_resolver *r);

/*
 * Starts a lookup: a child that calls getaddrinfo(), given
 * MQTT_RESOLVE_TIMEOUT_USEC. Returns 0, -EBUSY while one is under way (or
 * the last one's killed child is not gone yet), or another negative errno
 * (then no handler call follows).
 */
int mqtt_resolver_start(struct mqtt_resolver *r);

/* Gives up the lookup under way, if any: its child is killed, the handler is not called. */
void mqtt_resolver_cancel(struct mqtt_resolver *r);
