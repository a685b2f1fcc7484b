/*
 * Why the broker cannot be reached, said once per cause: a wrong CA, a host
 * name the certificate does not carry, a client certificate the broker wants,
 * a user it refuses, a broker that is down. Each retry fails the same way;
 * only a new cause is worth a warning (and a new STATUS=), and being connected
 * again an info line. Also why connections do not last: short ones (another
 * client with our id?) back off and are said once, until one holds.
 *
 * libmosquitto says the cause only through its log callback (its OpenSSL
 * errors), and while it says so the TLS session is still there to ask why the
 * certificate was refused.
 */
#include <errno.h>
#include <linux/tcp.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "daemon/log.h"
#include "daemon/mqtt-internal.h"
#include "daemon/mqtt-tls-error.h"

void mqtt_on_log(struct mosquitto *mosq, void *userdata, int level, const char *line)
{
	struct mqtt *m = userdata;

	if (level != MOSQ_LOG_ERR || !line)
		return;
	log_debug("libmosquitto: %s", line);
	/* The first error of an attempt is the cause; later ones are its echoes. */
	if (m->attempt_error[0] || m->state == MQTT_STATE_CONNECTED)
		return;
	if (m->tls && mqtt_tls_error_line(line))
		mqtt_tls_error_explain(mosq, line, m->ca_file, m->attempt_error,
				       sizeof(m->attempt_error));
	else
		snprintf(m->attempt_error, sizeof(m->attempt_error), "%s", line);
}

void mqtt_attempt_started(struct mqtt *m)
{
	m->attempt_error[0] = '\0';
	m->tcp_established = false;
}

void mqtt_attempt_note_socket(struct mqtt *m, int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	/* The SYN counts as a byte acknowledged: only an accepted connection has one. */
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 &&
	    len >= offsetof(struct tcp_info, tcpi_bytes_acked) + sizeof(info.tcpi_bytes_acked) &&
	    info.tcpi_bytes_acked > 0)
		m->tcp_established = true;
}

/*
 * The broker's host took the TCP connection and it ended before CONNACK
 * without a word we understand: a reset or an end of file. Said by what
 * could cause it. A broker that requires a client certificate ends the
 * handshake with an alert ("certificate required") that reaches us before our
 * CONNECT makes it reset the socket, or with only the reset: one cause, one
 * message. A TLS client on a plain port looks the same (an end of file, or a
 * reset). Once this configuration has connected, none of that is the cause:
 * a broker restarting closes connections it took. Silence is not a close:
 * see no_connack().
 */
static const char *closed_early(const struct mqtt *m, int error)
{
	/* OpenSSL's words for it: the alert, or the end of file of a plain port. */
	bool alert = strstr(m->attempt_error, "certificate required") ||
		     strstr(m->attempt_error, "unexpected eof");

	if (!m->tcp_established || (m->attempt_error[0] && !alert))
		return NULL;
	if (!alert && error != 0 && error != -ECONNRESET && error != -EPIPE)
		return NULL;
	if (m->ever_connected && !strstr(m->attempt_error, "certificate required"))
		return "the broker took the connection but closed it before CONNACK (it "
		       "answered this configuration before: is it stopped, overloaded or "
		       "restarting?)";
	return mqtt_ended_before_connack(m->tls, m->client_cert);
}

/*
 * The broker's host took the TCP connection and then said nothing for a
 * keepalive period (libmosquitto's check, -ETIMEDOUT): a broker stopped
 * (kill -STOP), hung or overloaded, or something on that port that is no MQTT
 * broker and waits for words it never gets. Nothing closed: no hint of TLS.
 */
static bool no_connack(const struct mqtt *m, int error)
{
	return error == -ETIMEDOUT && m->tcp_established && !m->attempt_error[0];
}

static void say_no_connack(const struct mqtt *m, char *buf, size_t size)
{
	snprintf(buf, size,
		 "the broker took the TCP connection but sent no CONNACK within %d s "
		 "(keepalive)%s",
		 m->keepalive_s,
		 m->ever_connected ? ": it answered this configuration before: is it stopped, "
				     "hung or overloaded?"
				   : ": is it stopped or hung, or is what listens on this "
				     "port no MQTT broker?");
}

/*
 * libmosquitto could not read a message for want of memory: it takes a whole
 * message into memory (twice) before we can see it is over MQTT_MESSAGE_MAX,
 * and a huge one (a retained one comes again at every connection) fails the
 * read. Only the broker can refuse it before it reaches us.
 */
static void say_too_large(char *buf, size_t size)
{
	snprintf(buf, size,
		 "a message from the broker was too large to read (out of memory; bedroomd takes "
		 "%d bytes at most): set message_size_limit in the broker's mosquitto.conf "
		 "(65536, or 1048576 for zigbee2mqtt's bridge/devices of a large network) and find "
		 "who publishes it (mosquitto_sub -t '#' -F '%%t %%l' prints each topic and "
		 "length; clear a retained one: mosquitto_pub -r -n -t TOPIC)",
		 MQTT_MESSAGE_MAX);
}

void mqtt_attempt_failed(struct mqtt *m, int error)
{
	char reason[sizeof(m->unreachable)];
	const char *early = closed_early(m, error);

	/*
	 * The broker was away (restarted, down): not another client taking our
	 * connection, which comes back at the first try. The next connect resets
	 * the back-off, as any reconnect to a broker that returned does.
	 */
	m->short_connections = 0;

	if (early)
		snprintf(reason, sizeof(reason), "%s", early);
	else if (no_connack(m, error))
		say_no_connack(m, reason, sizeof(reason));
	else if (error == -ENOMEM)
		say_too_large(reason, sizeof(reason));
	else if (m->attempt_error[0])
		snprintf(reason, sizeof(reason), "%s", m->attempt_error);
	else if (error)
		snprintf(reason, sizeof(reason), "%s", strerror(-error));
	else
		snprintf(reason, sizeof(reason), "the broker closed the connection");
	m->attempt_error[0] = '\0';
	if (strcmp(reason, m->unreachable) == 0) {
		log_debug("MQTT broker %s:%d still unreachable: %s", m->host, m->port, reason);
		return;
	}
	memcpy(m->unreachable, reason, sizeof(reason));
	log_warning("cannot reach MQTT broker %s:%d: %s (retrying; said again only if the cause "
		    "changes)",
		    m->host, m->port, reason);
	if (m->cb->unreachable)
		m->cb->unreachable(m->userdata);
}

void mqtt_attempt_succeeded(struct mqtt *m)
{
	/* While another client takes the connection from us, each cycle is not news. */
	if (m->short_warned)
		log_debug("connected to MQTT broker %s:%d", m->host, m->port);
	else
		log_info("connected to MQTT broker %s:%d", m->host, m->port);
	m->unreachable[0] = '\0';
	m->attempt_error[0] = '\0';
	m->ever_connected = true;
}

const char *mqtt_unreachable_reason(const struct mqtt *m)
{
	return m && m->unreachable[0] ? m->unreachable : NULL;
}

void mqtt_connection_held(struct mqtt *m)
{
	if (m->short_warned)
		log_info(
		    "connection to MQTT broker %s:%d has held for %.0f s: the short connections "
		    "are over",
		    m->host, m->port, (double) SHORT_CONNECTION_USEC / 1e6);
	m->failures = 0;
	m->short_connections = 0;
	m->short_warned = false;
	m->nomem_warned = false;
}

/*
 * A broker drops the older of two clients with one client_id, at once, each
 * time the other connects: the two take the connection from each other, and
 * each reconnects at the first try. Such short connections therefore count as
 * failed attempts (the back-off grows), and the hint comes with the second in
 * a row, once while they go on: one alone is as likely a broker restarted. A
 * failed attempt between them (the broker away) ends the run.
 */
void mqtt_connection_lost(struct mqtt *m, int error, uint64_t lasted_usec)
{
	char silent[96], large[512];
	const char *why = error ? strerror(-error) : "the broker closed it";
	double lasted_s = (double) lasted_usec / 1e6;

	/*
	 * Not the broker's doing, nor another client's: said once until a
	 * connection holds, without the client_id hint. A retained one comes at
	 * every connection: the connections stay short and the back-off grows.
	 */
	if (error == -ENOMEM) {
		say_too_large(large, sizeof(large));
		if (lasted_usec >= SHORT_CONNECTION_USEC)
			mqtt_connection_held(m);
		else
			m->short_connections++;
		if (m->nomem_warned)
			log_debug("connection to MQTT broker %s:%d lost again %.0f s after "
				  "connecting: out of memory while reading",
				  m->host, m->port, lasted_s);
		else
			log_warning(
			    "connection to MQTT broker %s:%d lost %.0f s after connecting: %s",
			    m->host, m->port, lasted_s, large);
		m->nomem_warned = true;
		return;
	}

	if (error == -ETIMEDOUT) {
		/* libmosquitto's keepalive: nothing reset it, nothing came (a broker stopped, Wi-Fi
		 * gone). */
		snprintf(silent, sizeof(silent),
			 "no answer from the broker within the keepalive (%d s)", m->keepalive_s);
		why = silent;
	}

	if (lasted_usec >= SHORT_CONNECTION_USEC) {
		mqtt_connection_held(m);
		log_warning("connection to MQTT broker %s:%d lost: %s", m->host, m->port, why);
		return;
	}
	m->short_connections++;
	if (m->short_connections == 1)
		log_warning("connection to MQTT broker %s:%d lost %.0f s after connecting: %s",
			    m->host, m->port, lasted_s, why);
	else if (m->short_warned)
		log_debug("connection to MQTT broker %s:%d lost again %.0f s after connecting: %s",
			  m->host, m->port, lasted_s, why);
	else
		log_warning(
		    "connection to MQTT broker %s:%d lost again %.0f s after connecting: %s "
		    "(the broker restarted again, or is another client using client_id "
		    "'%s'? a broker drops the older of two; backing off until one holds)",
		    m->host, m->port, lasted_s, why, m->client_id);
	m->short_warned = m->short_connections > 1;
}

int mqtt_on_held_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct mqtt *m = userdata;

	if (m->state == MQTT_STATE_CONNECTED)
		mqtt_connection_held(m);
	return 0;
}

/* After short connections that were warned about: says when one holds. */
void mqtt_arm_held_timer(struct mqtt *m)
{
	int r = sd_event_source_set_time(m->held_timer, m->connected_usec + SHORT_CONNECTION_USEC);

	if (r >= 0)
		r = sd_event_source_set_enabled(m->held_timer, SD_EVENT_ONESHOT);
	if (r < 0)
		log_warning_errno(r, "cannot arm the MQTT held timer, ignoring");
}

/* A refusal for want of the right user or password says what we sent. */
void mqtt_say_refused(struct mqtt *m, int rc)
{
	const char *text = mosquitto_connack_string(rc);
	/* libmosquitto's ends in '.': "not authorised." then " (user ...)". */
	int n = (int) strlen(text);
	char why[96];

	if (n > 0 && text[n - 1] == '.')
		n--;
	snprintf(why, sizeof(why), "%.*s", n, text);

	if (rc != CONNACK_REFUSED_BAD_USERNAME_PASSWORD && rc != CONNACK_REFUSED_NOT_AUTHORIZED)
		snprintf(m->attempt_error, sizeof(m->attempt_error), "the broker refused us: %s",
			 why);
	else if (!m->username)
		snprintf(m->attempt_error, sizeof(m->attempt_error),
			 "the broker refused us: %s (no username sent: set username)", why);
	else
		snprintf(m->attempt_error, sizeof(m->attempt_error),
			 "the broker refused us: %s (user '%s', %s)", why, m->username,
			 m->password
			     ? "with a password: is it the one the broker has for that user?"
			     : "no password sent: set password_file or the "
			       "credential mqtt-password");
}
