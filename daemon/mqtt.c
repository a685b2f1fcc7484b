/*
 * The MQTT connection. With mqtt-slot.c (who gets which message), the only
 * code that talks to libmosquitto: MOSQ_ERR_* codes stop here.
 *
 * libmosquitto is driven by hand from sd-event: an io source on its socket
 * (EPOLLOUT only while mosquitto_want_write() says so), a timer for
 * mosquitto_loop_misc() armed for when the keepalive is next due (never a
 * tick: an idle Pi sleeps), and a reconnect timer. The socket changes on
 * every reconnect, so the io source is created anew each time. A broker
 * named by a host name is looked up in a child before each attempt
 * (mqtt-resolve.c): getaddrinfo() would hold the loop while DNS is down.
 */
#include "daemon/mqtt.h"

#include <assert.h>
#include <errno.h>
#include <mosquitto.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <time.h>

#include "control/backoff.h"
#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"
#include "daemon/mosquitto-errno.h"
#include "daemon/mqtt-internal.h"
#include "daemon/mqtt-resolve.h"

/* With equal jitter the first retry comes after 1 to 2 s, later ones at most 60 s apart. */
#define RECONNECT_MIN_USEC (2ULL * 1000000ULL)
#define RECONNECT_MAX_USEC (60ULL * 1000000ULL)
#define USEC_PER_SEC       1000000ULL

void mqtt_update_io_events(struct mqtt *m)
{
	if (m->io)
		(void) sd_event_source_set_io_events(
		    m->io, EPOLLIN | (mosquitto_want_write(m->mosq) ? EPOLLOUT : 0));
}

/*
 * The keepalive as mosquitto_loop_misc() judges it, in whole seconds of
 * CLOCK_MONOTONIC: a PINGREQ once nothing was written, or nothing read, for a
 * keepalive period; and if a period after the PINGREQ its PINGRESP has not
 * come (no read since), the connection is dropped. Our times are taken just
 * after each read and write, never before libmosquitto's, so it is due when
 * the timer fires; a PINGREQ counts as a read, as libmosquitto counts it, so
 * the PINGRESP deadline is the next due time.
 */
void mqtt_arm_keepalive(struct mqtt *m)
{
	uint64_t last = m->last_in_usec < m->last_out_usec ? m->last_in_usec : m->last_out_usec;
	uint64_t due = (last / USEC_PER_SEC + (uint64_t) m->keepalive_s) * USEC_PER_SEC;

	if (!m->io || m->keepalive_s <= 0) {
		(void) sd_event_source_set_enabled(m->misc_timer, SD_EVENT_OFF);
		return;
	}
	/* Whole seconds: it moves once a second at most, not at every packet. */
	(void) event_source_arm_at(m->misc_timer, due);
}

void mqtt_sent(struct mqtt *m, bool sent)
{
	if (sent)
		m->last_out_usec = clock_monotonic_usec();
	/* on_io() writes what the handlers queued and then sets both itself. */
	if (m->in_io)
		return;
	mqtt_update_io_events(m);
	mqtt_arm_keepalive(m);
}

void mqtt_drop_io(struct mqtt *m)
{
	m->io = sd_event_source_disable_unref(m->io);
	(void) sd_event_source_set_enabled(m->misc_timer, SD_EVENT_OFF);
}

static void schedule_reconnect(struct mqtt *m);

void mqtt_lost(struct mqtt *m, int error)
{
	bool was_connected = m->state == MQTT_STATE_CONNECTED;

	mqtt_drop_io(m);
	(void) sd_event_source_set_enabled(m->held_timer, SD_EVENT_OFF);
	mqtt_availability_lost(m);
	mqtt_subacks_reset(m);
	if (m->state == MQTT_STATE_STOPPING || m->state == MQTT_STATE_STOPPED)
		return;
	if (was_connected) {
		mqtt_connection_lost(m, error, clock_monotonic_usec() - m->connected_usec);
		mqtt_slots_disconnected(m);
		if (m->cb->disconnected)
			m->cb->disconnected(m->userdata);
	} else {
		mqtt_attempt_failed(m, error);
	}
	schedule_reconnect(m);
}

/*
 * Starts a connection to @target: the broker's host, or an address it resolved
 * to. libmosquitto keeps the host of its last connect call for reconnects; a
 * new one (the name's address changed) takes a new connect call.
 */
static int mosq_connect(struct mqtt *m, const char *target)
{
	char *copy;
	int rc;

	if (m->host_set && strcmp(m->mosq_host, target) == 0)
		return mosquitto_reconnect_async(m->mosq);
	copy = strdup(target);
	if (!copy)
		return MOSQ_ERR_NOMEM;
	rc = mosquitto_connect_async(m->mosq, target, m->port, m->keepalive_s);
	m->host_set = rc != MOSQ_ERR_INVAL;
	free(m->mosq_host);
	m->mosq_host = copy;
	return rc;
}

/*
 * Connects to the broker's host (@n 0), or to @addresses, what its name
 * resolved to: in turn, as libmosquitto takes what getaddrinfo() gives, until
 * one does not fail at once.
 */
static void connect_now(struct mqtt *m, const char *const *addresses, size_t n)
{
	int rc = MOSQ_ERR_INVAL;

	m->state = MQTT_STATE_CONNECTING;
	/* What libmosquitto says is the cause of a failure; off once connected (on_connect()). */
	mosquitto_log_callback_set(m->mosq, mqtt_on_log);
	if (n == 0)
		rc = mosq_connect(m, m->host);
	for (size_t i = 0; i < n && (i == 0 || rc != MOSQ_ERR_SUCCESS); i++)
		rc = mosq_connect(m, addresses[i]);
	if (rc != MOSQ_ERR_SUCCESS) {
		int error = errno_from_mosq(rc);

		/* A name that does not resolve says so better than "No route to host". */
		if (rc == MOSQ_ERR_EAI && !m->attempt_error[0])
			snprintf(m->attempt_error, sizeof(m->attempt_error),
				 "cannot resolve the host name");
		mqtt_lost(m, error);
		return;
	}
	if (mqtt_attach_socket(m) < 0)
		mqtt_lost(m, -ENOTCONN);
}

/*
 * The child's answer for the broker's name (mqtt-resolve.c). A name that does
 * not resolve, or a name service that does not answer in time, is a failed
 * attempt like any other: the back-off, and the cause said once.
 */
static void on_resolved(const struct mqtt_resolved *res, void *userdata)
{
	struct mqtt *m = userdata;

	if (m->state != MQTT_STATE_RESOLVING)
		return;
	if (res->error < 0) {
		snprintf(m->attempt_error, sizeof(m->attempt_error),
			 "cannot resolve the host name: %s", res->why);
		mqtt_lost(m, res->error);
		return;
	}
	log_debug("MQTT broker host '%s' is %s", m->host, res->addresses[0]);
	/*
	 * Without TLS, to the address: libmosquitto would look the name up again,
	 * on the loop, and a name service that answers slowly (a dropped AAAA
	 * query costs resolv.conf's timeout) would hold the loop a second time.
	 * With TLS it must have the name, for the certificate's host check and
	 * SNI, and looks it up again: the name service has just answered, so
	 * mostly at once.
	 */
	if (m->tls)
		connect_now(m, NULL, 0);
	else
		connect_now(m, res->addresses, res->n_addresses);
}

static void try_connect(struct mqtt *m)
{
	int r;

	/* Off epoll before libmosquitto closes the old socket and reuses its number. */
	mqtt_drop_io(m);
	mqtt_attempt_started(m);
	if (!m->resolver) {
		connect_now(m, NULL, 0);
		return;
	}
	/* A name: looked up in a child first, never by getaddrinfo() on the loop. */
	m->state = MQTT_STATE_RESOLVING;
	r = mqtt_resolver_start(m->resolver);
	if (r < 0) {
		snprintf(m->attempt_error, sizeof(m->attempt_error),
			 "cannot resolve the host name: cannot start a lookup: %s", strerror(-r));
		mqtt_lost(m, r);
	}
}

static int on_reconnect_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct mqtt *m = userdata;

	if (m->state == MQTT_STATE_WAITING)
		try_connect(m);
	return 0;
}

static uint32_t random_u32(void)
{
	uint32_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == sizeof(v))
		return v;
	return (uint32_t) time(NULL) * 2654435761u;
}

static void schedule_reconnect(struct mqtt *m)
{
	/*
	 * After short connections, reconnected at the first try, at most
	 * SHORT_BACKOFF_MAX_USEC: a broker restarted in a second looks the same as
	 * another client with our id, and must not cost a minute each time.
	 */
	uint64_t max = m->short_connections > 0 ? SHORT_BACKOFF_MAX_USEC : RECONNECT_MAX_USEC;
	uint64_t delay = backoff_delay_usec(m->failures, random_u32(), RECONNECT_MIN_USEC, max);
	int r;

	m->failures++;
	m->state = MQTT_STATE_WAITING;
	log_debug("reconnecting to MQTT broker %s:%d in %.1f s", m->host, m->port,
		  (double) delay / 1e6);
	r = sd_event_source_set_time_relative(m->reconnect_timer, delay);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->reconnect_timer, SD_EVENT_ONESHOT);
	if (r < 0)
		log_error_errno(r, "cannot arm the MQTT reconnect timer");
}

static int on_misc_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct mqtt *m = userdata;
	int rc;

	if (!m->io)
		return 0;
	/*
	 * A TLS handshake the broker never answers wakes nothing before this
	 * check: whether its host took the TCP connection is read here, before
	 * libmosquitto closes the socket, or the silence would be told as a bare
	 * "Connection timed out" (a user trial).
	 */
	if (m->state == MQTT_STATE_CONNECTING)
		mqtt_attempt_note_socket(m, mosquitto_socket(m->mosq));
	rc = mosquitto_loop_misc(m->mosq);
	if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) {
		if (m->io)
			mqtt_lost(m, errno_from_mosq(rc));
		return 0;
	}
	/* A PINGREQ went out; libmosquitto counts it as a read too, for the PINGRESP. */
	m->last_in_usec = m->last_out_usec = clock_monotonic_usec();
	mqtt_update_io_events(m);
	mqtt_arm_keepalive(m);
	return 0;
}

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct mqtt *m = userdata;

	if (rc != 0) {
		/* Said once per cause when the broker closes the socket and the attempt fails. */
		mqtt_say_refused(m, rc);
		return;
	}
	mqtt_attempt_succeeded(m);
	/*
	 * With a log callback set, libmosquitto formats a line into a fresh
	 * allocation for every packet it sends or reads (with malloc and free,
	 * 3 % of our instructions at 100 messages a second); only a connection
	 * attempt needs its words.
	 */
	mosquitto_log_callback_set(mosq, NULL);
	m->connected_usec = clock_monotonic_usec();
	m->state = MQTT_STATE_CONNECTED;
	/*
	 * Right after a short connection (no failed attempt between: another client
	 * with our id?) the back-off is reset only once this one has held
	 * (mqtt_connection_held()); after a broker that was away, at once.
	 */
	if (m->short_connections == 0)
		m->failures = 0;
	if (m->short_warned)
		mqtt_arm_held_timer(m);
	/*
	 * Subscriptions first: the broker handles one client's packets in order, so
	 * once "online" is out, a command sent on seeing it finds us subscribed
	 * (on a first connection there is no session to hold it otherwise).
	 */
	mqtt_subacks_reset(m);
	mqtt_slots_restore(m);
	mqtt_availability_connected(m);
	mqtt_slots_connected(m);
	if (m->cb->connected)
		m->cb->connected(m->userdata);
	mqtt_update_io_events(m);
}

static void on_disconnect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct mqtt *m = userdata;

	if (m->state == MQTT_STATE_STOPPING) {
		mqtt_drop_io(m);
		return;
	}
	/*
	 * libmosquitto's own keepalive check: silence, not a reset. Out of memory:
	 * a read that could not hold a message (it takes a whole one into memory,
	 * twice, before we can refuse it), not the broker's doing.
	 */
	if (m->io || m->state == MQTT_STATE_CONNECTED || m->state == MQTT_STATE_CONNECTING)
		mqtt_lost(m, rc == 0                    ? 0
			     : rc == MOSQ_ERR_KEEPALIVE ? -ETIMEDOUT
			     : rc == MOSQ_ERR_NOMEM     ? -ENOMEM
							: -ECONNRESET);
}

static int configure_client(struct mqtt *m, const struct config_mqtt *cfg)
{
	int rc;

	/*
	 * "Threaded": libmosquitto then only queues what it sends; the loop writes
	 * it (flush(), and EPOLLOUT while mosquitto_want_write()). Unthreaded, it
	 * writes the PUBACK of an incoming QoS 1 command during the read, before the
	 * handler has stored the cramp, so a crash then would lose a command the
	 * broker has already dropped. Queued, the PUBACK leaves after mqtt_deliver().
	 */
	rc = mosquitto_threaded_set(m->mosq, true);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_int_option(m->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	/*
	 * A heater command must not wait in the kernel for the broker to
	 * acknowledge the state published just before it (Nagle plus a delayed
	 * ACK: about 40 ms on Linux).
	 */
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_int_option(m->mosq, MOSQ_OPT_TCP_NODELAY, 1);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_will_set(m->mosq, m->availability_topic, 7, "offline", 1, true);
	if (rc == MOSQ_ERR_SUCCESS && cfg->username)
		rc = mosquitto_username_pw_set(m->mosq, cfg->username, cfg->password);
	/*
	 * TLS verifies the broker's certificate against ca_file and its host name
	 * against [mqtt] host; both are said here, not left to libmosquitto's defaults.
	 */
	if (rc == MOSQ_ERR_SUCCESS && cfg->ca_file)
		rc = mosquitto_tls_set(m->mosq, cfg->ca_file, NULL, cfg->cert_file, cfg->key_file,
				       NULL);
	if (rc == MOSQ_ERR_SUCCESS && cfg->ca_file)
		rc = mosquitto_tls_opts_set(m->mosq, 1 /* SSL_VERIFY_PEER */, NULL, NULL);
	if (rc == MOSQ_ERR_SUCCESS && cfg->ca_file)
		rc = mosquitto_tls_insecure_set(m->mosq, false);
	if (rc != MOSQ_ERR_SUCCESS)
		return errno_from_mosq(rc);
	mosquitto_connect_callback_set(m->mosq, on_connect);
	mosquitto_disconnect_callback_set(m->mosq, on_disconnect);
	mosquitto_publish_callback_set(m->mosq, mqtt_on_publish);
	mosquitto_subscribe_callback_set(m->mosq, mqtt_on_subscribe);
	mosquitto_message_callback_set(m->mosq, mqtt_on_message);
	return 0;
}

int mqtt_new(sd_event *event, const struct config_mqtt *cfg, const struct mqtt_callbacks *cb,
	     void *userdata, struct mqtt **ret)
{
	struct mqtt *m;
	int r;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->event = sd_event_ref(event);
	m->cb = cb;
	m->userdata = userdata;
	m->port = cfg->port;
	m->keepalive_s = cfg->keepalive_s;
	m->tls = cfg->ca_file;
	m->client_cert = cfg->cert_file;
	m->password = cfg->username && cfg->password;
	warn_limit_init(&m->warn_large, event, "large messages");
	m->inflow = (struct rate_meter) RATE_METER_INIT(1000000ULL, MQTT_FLOOD_PER_S);
	m->host = strdup(cfg->host);
	m->base_topic = strdup(cfg->base_topic);
	m->client_id = strdup(cfg->client_id);
	m->ca_file = cfg->ca_file ? strdup(cfg->ca_file) : NULL;
	m->username = cfg->username ? strdup(cfg->username) : NULL;
	if (!m->host || !m->base_topic || !m->client_id || (cfg->ca_file && !m->ca_file) ||
	    (cfg->username && !m->username) ||
	    asprintf(&m->availability_topic, "%s/availability", cfg->base_topic) < 0) {
		m->availability_topic = NULL;
		r = -ENOMEM;
		goto out;
	}
	/* A persistent session: QoS 1 commands sent while we restart wait for us. */
	m->mosq = mosquitto_new(cfg->client_id, false, m);
	if (!m->mosq) {
		r = errno > 0 ? -errno : -ENOMEM;
		goto out;
	}
	r = configure_client(m, cfg);
	if (r < 0)
		goto out;
	/* An address needs no lookup; a name is looked up off the loop at each attempt. */
	if (!mqtt_host_is_numeric(cfg->host)) {
		r = mqtt_resolver_new(event, cfg->host, on_resolved, m, &m->resolver);
		if (r < 0)
			goto out;
	}
	/* The keepalive tolerates lateness: the default accuracy (250 ms) lets wake-ups merge. */
	r = sd_event_add_time(event, &m->misc_timer, CLOCK_MONOTONIC, 0, 0, on_misc_timer, m);
	if (r >= 0)
		r = event_source_describe(m->misc_timer, "mqtt-keepalive");
	if (r < 0)
		goto out;
	(void) sd_event_source_set_enabled(m->misc_timer, SD_EVENT_OFF);
	r = sd_event_add_time_relative(event, &m->reconnect_timer, CLOCK_MONOTONIC, 0, 0,
				       on_reconnect_timer, m);
	if (r >= 0)
		r = event_source_describe(m->reconnect_timer, "mqtt-reconnect");
	if (r < 0)
		goto out;
	(void) sd_event_source_set_enabled(m->reconnect_timer, SD_EVENT_OFF);
	r = sd_event_add_time(event, &m->held_timer, CLOCK_MONOTONIC, 0, 0, mqtt_on_held_timer, m);
	if (r >= 0)
		r = event_source_describe(m->held_timer, "mqtt-held");
	if (r < 0)
		goto out;
	(void) sd_event_source_set_enabled(m->held_timer, SD_EVENT_OFF);
	r = mqtt_availability_init(m);
	if (r < 0)
		goto out;
	*ret = m;
	return 0;
out:
	mqtt_free(m);
	return r;
}

sd_event *mqtt_get_event(const struct mqtt *m)
{
	return m->event;
}

struct mqtt *mqtt_free(struct mqtt *m)
{
	if (!m)
		return NULL;
	mqtt_drop_io(m);
	mqtt_availability_done(m);
	warn_limit_done(&m->warn_large);
	m->misc_timer = sd_event_source_disable_unref(m->misc_timer);
	m->reconnect_timer = sd_event_source_disable_unref(m->reconnect_timer);
	m->held_timer = sd_event_source_disable_unref(m->held_timer);
	m->stop_timer = sd_event_source_disable_unref(m->stop_timer);
	m->resolver = mqtt_resolver_free(m->resolver);
	if (m->mosq)
		mosquitto_destroy(m->mosq);
	mqtt_received_clear(m);
	mqtt_slots_detach(m);
	free(m->host);
	free(m->mosq_host);
	free(m->base_topic);
	free(m->client_id);
	free(m->ca_file);
	free(m->username);
	free(m->availability_topic);
	sd_event_unref(m->event);
	free(m);
	return NULL;
}

int mqtt_start(struct mqtt *m)
{
	if (m->state != MQTT_STATE_IDLE)
		return -EALREADY;
	try_connect(m);
	return 0;
}

bool mqtt_is_connected(const struct mqtt *m)
{
	return m && m->state == MQTT_STATE_CONNECTED;
}

const char *mqtt_base_topic(const struct mqtt *m)
{
	return m->base_topic;
}

int mqtt_publish(struct mqtt *m, const char *topic, const void *payload, size_t len, int qos,
		 bool retain, int *ret_mid)
{
	int mid = 0;
	int rc;

	/* Not queued while away: libmosquitto would replay it, stale, on reconnect. */
	if (m->state != MQTT_STATE_CONNECTED)
		return -ENOTCONN;
	if (len > 256 * 1024 * 1024)
		return -EMSGSIZE;
	rc = mosquitto_publish(m->mosq, &mid, topic, (int) len, payload, qos, retain);
	mqtt_sent(m, rc == MOSQ_ERR_SUCCESS);
	if (rc != MOSQ_ERR_SUCCESS)
		return errno_from_mosq(rc);
	if (ret_mid)
		*ret_mid = mid;
	return 0;
}

int mqtt_publish_below(struct mqtt *m, const char *suffix, const void *payload, size_t len, int qos,
		       bool retain, int *ret_mid)
{
	char *topic;
	int r;

	if (asprintf(&topic, "%s/%s", m->base_topic, suffix) < 0)
		return -ENOMEM;
	r = mqtt_publish(m, topic, payload, len, qos, retain, ret_mid);
	free(topic);
	return r;
}
