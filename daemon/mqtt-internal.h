#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "control/rate-meter.h"
#include "daemon/mqtt.h"
#include "daemon/warn-limit.h"

/*
 * Internal to the MQTT connection, shared by its files: mqtt.c (the connection
 * and its loop), mqtt-slot.c (subscriptions, watches and dispatch),
 * mqtt-socket.c, mqtt-received.c, mqtt-availability.c, mqtt-stop.c and the rest.
 */

struct mosquitto;
struct mosquitto_message;
struct mqtt_received;
struct mqtt_resolver;

/*
 * A connection lost sooner than this after its CONNACK is a short one: it does
 * not reset the reconnect back-off, and two in a row get a hint in the log.
 */
#define SHORT_CONNECTION_USEC (30ULL * 1000000ULL)
/* The reconnect back-off after short connections grows to this, not to a minute. */
#define SHORT_BACKOFF_MAX_USEC (8ULL * 1000000ULL)
/*
 * More messages than this in a second are a flood: no device in a bedroom
 * sends that many (a thermometer reports every few seconds at most, a plug
 * answers a command), a misbehaving one or a storm of retained messages does.
 * In a flood, reads are no longer acknowledged at once (see note_inflow()).
 */
#define MQTT_FLOOD_PER_S 100U

/* Packets read at most in one wake-up in a flood, so that other sources get their turn. */
#define MQTT_READ_BATCH 32U

/*
 * "online" published again on <base>/availability at most this often: another
 * client that keeps writing "offline" there (a second bedroomd with our
 * node_id) must not make us publish at its pace.
 */
#define MQTT_AVAILABILITY_FIX_USEC (10ULL * 1000000ULL)

/*
 * How long the warning about another writer on <base>/availability waits:
 * mosquitto, shutting down, sends every client's last will, ours to us too,
 * just before it closes our connection. A loss within this is the broker.
 */
#define MQTT_AVAILABILITY_WARN_HOLD_USEC (2ULL * 1000000ULL)

/*
 * A filter subscribed on this connection whose SUBACK is awaited, or that the
 * broker refused (said once a connection). One per filter: a SUBSCRIBE sent
 * again for it replaces the mid awaited.
 */
struct mqtt_suback {
	char *filter;
	int mid;      /* of the last SUBSCRIBE for it, 0 once its SUBACK came */
	bool refused; /* the broker refused it on this connection, and the log said so */
};

enum mqtt_state {
	MQTT_STATE_IDLE,
	MQTT_STATE_RESOLVING, /* the broker's host name, in a child (mqtt-resolve.c) */
	MQTT_STATE_CONNECTING,
	MQTT_STATE_CONNECTED,
	MQTT_STATE_WAITING, /* for the reconnect timer */
	MQTT_STATE_STOPPING,
	MQTT_STATE_STOPPED,
};

struct mqtt {
	sd_event *event;
	struct mosquitto *mosq;
	const struct mqtt_callbacks *cb;
	void *userdata;

	char *host;
	int port;
	int keepalive_s;
	bool tls;         /* ca_file is set */
	bool client_cert; /* and cert_file */
	char *ca_file;    /* or NULL: named when the broker's certificate is not signed by it */
	char *username;   /* or NULL: named when the broker refuses us */
	bool password;    /* a password is sent with username */
	char *base_topic;
	char *availability_topic;
	char *client_id;
	uint64_t connected_usec; /* CLOCK_MONOTONIC: the last CONNACK */
	/* This configuration has had a CONNACK: its port speaks its language (TLS or not). */
	bool ever_connected;

	enum mqtt_state state;
	bool host_set;   /* mosquitto_reconnect_async() needs a first connect call */
	char *mosq_host; /* what that call was given: host, or an address it resolved to */
	/* Looks host up off the loop before each attempt; NULL when host is an address. */
	struct mqtt_resolver *resolver;
	/*
	 * Failed attempts since the last connect: a connection the broker drops
	 * within SHORT_CONNECTION_USEC of its CONNACK, reconnected at the first try,
	 * counts as one (until one holds), so two clients with one client_id, each
	 * taking the connection from the other, back off as well.
	 */
	unsigned failures;
	unsigned short_connections; /* in a row, each lost within SHORT_CONNECTION_USEC */
	bool short_warned;          /* and the warning about them is out */
	/*
	 * Why the attempt under way failed, as libmosquitto first said it (its
	 * OpenSSL errors included); "" until it says something.
	 */
	char attempt_error[256];
	char unreachable[512]; /* the cause last reported at warning; "" once connected */
	bool tcp_established;  /* the broker's host accepted this attempt's TCP connection */
	int offline_mid;

	sd_event_source *io;
	sd_event_source *misc_timer; /* armed for when the keepalive is next due */
	uint64_t last_in_usec;       /* CLOCK_MONOTONIC: a packet read, or a PINGREQ sent */
	uint64_t last_out_usec;      /* CLOCK_MONOTONIC: a packet written */
	bool read_answered;          /* what was just read is answered (a PUBACK) */
	unsigned n_read;             /* messages in the read under way */
	struct rate_meter inflow;    /* messages read, against MQTT_FLOOD_PER_S */
	bool flooded;                /* over it: no immediate ACKs, reads in batches */
	bool in_io;                  /* on_io() reads and delivers: it writes at its end */
	sd_event_source *reconnect_timer;
	sd_event_source *held_timer; /* SHORT_CONNECTION_USEC after a CONNACK, after short ones */
	sd_event_source *stop_timer;

	/* Read, to be handed to the slots once libmosquitto's read is over. */
	struct mqtt_received *received, *received_tail;
	struct warn_limit warn_large; /* about messages over MQTT_MESSAGE_MAX */

	struct mqtt_slot *slots, *slots_tail; /* in the order they were added */
	char **dropped;                       /* filters whose last slot went while away */
	size_t n_dropped;
	unsigned dispatching; /* nesting depth of handler calls */
	bool slots_dead;      /* a slot was freed while dispatching */

	/* Filters awaiting their SUBACK or refused by it; emptied when a connection begins or ends.
	 */
	struct mqtt_suback *subacks;
	size_t n_subacks;

	/*
	 * <base>/availability as the broker has it: "online" published again when
	 * another client writes anything else there while we are connected (see
	 * mqtt-availability.c).
	 */
	struct mqtt_slot *availability_slot;
	bool availability_echoed;         /* this connection's "online" came back to us */
	bool availability_warned;         /* another writer was said (once a run) */
	uint64_t availability_fixed_usec; /* CLOCK_MONOTONIC: "online" last sent again */
	sd_event_source
	    *availability_timer; /* the next one, at most one a MQTT_AVAILABILITY_FIX_USEC */
	/*
	 * The warning about another writer, held MQTT_AVAILABILITY_WARN_HOLD_USEC:
	 * dropped when the connection is lost meanwhile (see on_availability()).
	 */
	sd_event_source *availability_warn_timer;
	char availability_warn_excerpt[40];
	/* The last failure was out of memory while reading (a message too large): said once. */
	bool nomem_warned;
};

/* Lets libmosquitto's socket be polled for writing when it has something to send. */
void mqtt_update_io_events(struct mqtt *m);

/* The connection is gone (or the attempt failed) with @error: reconnect later. See mqtt.c. */
void mqtt_lost(struct mqtt *m, int error);
/* Takes the socket off the loop (before libmosquitto closes it). */
void mqtt_drop_io(struct mqtt *m);
/* Arms the keepalive timer for when libmosquitto next needs to ping. */
void mqtt_arm_keepalive(struct mqtt *m);
/* Puts libmosquitto's socket on the loop (mqtt-socket.c). Returns 0 or a negative errno. */
int mqtt_attach_socket(struct mqtt *m);

/*
 * After a call that writes to the broker (publish, subscribe, unsubscribe),
 * @sent when it succeeded: the keepalive is due a period later. Also does
 * mqtt_update_io_events().
 */
void mqtt_sent(struct mqtt *m, bool sent);

/*
 * After a (re)connect: unsubscribes the filters dropped while away (the
 * broker's session still holds them), then subscribes every filter the slots
 * hold.
 */
void mqtt_slots_restore(struct mqtt *m);

/* Calls the handler of every slot whose filter matches @msg->topic. */
void mqtt_slots_dispatch(struct mqtt *m, const struct mqtt_message *msg);

/*
 * libmosquitto's subscribe callback: a SUBACK refusing a filter (0x80) is
 * logged as an error naming the filter, the broker and the user, once per
 * connection and filter.
 */
void mqtt_on_subscribe(struct mosquitto *mosq, void *userdata, int mid, int qos_count,
		       const int *granted_qos);

/* A connection begins or ends: forgets the SUBACKs awaited and the refusals said. */
void mqtt_subacks_reset(struct mqtt *m);

/* Tells every watch that the connection came up. */
void mqtt_slots_connected(struct mqtt *m);

/* Tells every watch that the connection was lost. */
void mqtt_slots_disconnected(struct mqtt *m);

/* Tells every watch that the broker acknowledged @mid. */
void mqtt_slots_published(struct mqtt *m, int mid);

/* The connection goes away: every slot still held is detached from it. */
void mqtt_slots_detach(struct mqtt *m);

/*
 * <base>/availability (mqtt-availability.c). Init adds its timers and its
 * subscription (on failure done frees what it added); done frees them, NULL
 * ones too. Returns 0 or a negative errno.
 */
int mqtt_availability_init(struct mqtt *m);
void mqtt_availability_done(struct mqtt *m);
/* Connected: publishes this connection's retained "online", nothing else to answer yet. */
void mqtt_availability_connected(struct mqtt *m);
/* The connection is lost: a held warning about another writer was the broker's shutdown. */
void mqtt_availability_lost(struct mqtt *m);

/*
 * libmosquitto's publish callback (mqtt-stop.c): the PUBACK of a stop's
 * "offline" finishes the stop; any other goes to the watches.
 */
void mqtt_on_publish(struct mosquitto *mosq, void *userdata, int mid);

/* libmosquitto's log callback: keeps the first error of a connection attempt (mqtt-unreachable.c).
 */
void mqtt_on_log(struct mosquitto *mosq, void *userdata, int level, const char *line);

/* While connecting: notes whether @fd's TCP connection was accepted (read before it closes). */
void mqtt_attempt_note_socket(struct mqtt *m, int fd);

/* A connection attempt begins: forgets what the last one said. */
void mqtt_attempt_started(struct mqtt *m);

/*
 * The attempt failed (@error a negative errno, or 0): a warning when the cause
 * differs from the one last reported, and the unreachable callback.
 */
void mqtt_attempt_failed(struct mqtt *m, int error);

/*
 * Connected: an info line (debug while short connections repeat); forgets the
 * cause of the last failure.
 */
void mqtt_attempt_succeeded(struct mqtt *m);

/*
 * The connection was lost @lasted_usec after its CONNACK (@error a negative
 * errno, or 0): a warning, once per run of short connections, and the
 * back-off reset when it had held.
 */
void mqtt_connection_lost(struct mqtt *m, int error, uint64_t lasted_usec);

/* libmosquitto's message callback: copies what it reads, for mqtt_deliver(). */
void mqtt_on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *msg);
/* Hands what was read to the slots, in order. */
void mqtt_deliver(struct mqtt *m);
/* Drops what was read and not handed on. */
void mqtt_received_clear(struct mqtt *m);

/* The CONNACK @rc refused us: into attempt_error, saying which user and password went. */
void mqtt_say_refused(struct mqtt *m, int rc);

/* After short connections that were warned about: m->held_timer for when this one has held. */
void mqtt_arm_held_timer(struct mqtt *m);
int mqtt_on_held_timer(sd_event_source *s, uint64_t usec, void *userdata);

/* The connection has held SHORT_CONNECTION_USEC: the back-off starts again; a line if a run of
 * short ones was warned about. */
void mqtt_connection_held(struct mqtt *m);
