/*
 * Why the broker cannot be reached, said once per cause: a wrong CA, a host
 * name the certificate does not carry, a client certificate the broker wants,
 * a broker that is down. Each retry fails the same way; only a new cause is
 * worth a warning (and a new STATUS=), and being connected again an info line.
 *
 * libmosquitto says the cause only through its log callback (its OpenSSL
 * errors), and while it says so the TLS session is still there to ask why the
 * certificate was refused.
 */
#include <errno.h>
#include <linux/tcp.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "daemon/log.h"
#include "daemon/mqtt-internal.h"

#define OPENSSL_PREFIX "OpenSSL Error["

/* "OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed" → the reason. */
static const char *openssl_reason(const char *line)
{
	const char *colon = strrchr(line, ':');

	return colon && colon[1] ? colon + 1 : line;
}

static void record_tls_error(struct mqtt *m, struct mosquitto *mosq, const char *line)
{
	SSL *ssl = mosquitto_ssl_get(mosq);
	long verify = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;

	/* Said from inside the verification, before the session records its result. */
	if (strstr(line, "host name verification failed"))
		verify = X509_V_ERR_HOSTNAME_MISMATCH;
	if (verify != X509_V_OK)
		snprintf(m->attempt_error, sizeof(m->attempt_error),
			 "TLS: the broker's certificate is refused: %s",
			 X509_verify_cert_error_string(verify));
	else
		snprintf(m->attempt_error, sizeof(m->attempt_error), "TLS: %s",
			 openssl_reason(line));
}

void mqtt_on_log(struct mosquitto *mosq, void *userdata, int level, const char *line)
{
	struct mqtt *m = userdata;

	if (level != MOSQ_LOG_ERR || !line)
		return;
	log_debug("libmosquitto: %s", line);
	/* The first error of an attempt is the cause; later ones are its echoes. */
	if (m->attempt_error[0] || m->state == MQTT_STATE_CONNECTED)
		return;
	/* libmosquitto's own host name check says "Error: host name verification failed." */
	if (m->tls && (strncmp(line, OPENSSL_PREFIX, strlen(OPENSSL_PREFIX)) == 0 ||
		       strstr(line, "verification failed")))
		record_tls_error(m, mosq, line);
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
 * reset).
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
	if (!m->tls)
		return "the broker closed the connection before answering (does this port "
		       "want TLS? set ca_file)";
	if (!m->client_cert)
		return "TLS: the broker ended the handshake: it requires a client certificate "
		       "(cert_file, key_file), or does not speak TLS on this port";
	return "TLS: the broker ended the handshake: does it speak TLS on this port?";
}

void mqtt_attempt_failed(struct mqtt *m, int error)
{
	char reason[sizeof(m->unreachable)];
	const char *early = closed_early(m, error);

	if (early)
		snprintf(reason, sizeof(reason), "%s", early);
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
	log_info("connected to MQTT broker %s:%d", m->host, m->port);
	m->unreachable[0] = '\0';
	m->attempt_error[0] = '\0';
}

const char *mqtt_unreachable_reason(const struct mqtt *m)
{
	return m && m->unreachable[0] ? m->unreachable : NULL;
}
