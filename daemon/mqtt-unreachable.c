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
#include <mosquitto.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

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
}

/*
 * A broker that requires a client certificate ends the handshake after it: with
 * an alert ("certificate required") when it reaches us before our CONNECT
 * makes the broker reset the socket, and with only the reset otherwise. Both
 * are one cause.
 */
static bool wants_client_cert(const struct mqtt *m, int error)
{
	if (!m->tls || m->client_cert)
		return false;
	if (m->attempt_error[0])
		return strstr(m->attempt_error, "certificate required");
	return error == -ECONNRESET || error == -EPIPE;
}

void mqtt_attempt_failed(struct mqtt *m, int error)
{
	char reason[sizeof(m->unreachable)];

	if (wants_client_cert(m, error))
		snprintf(reason, sizeof(reason),
			 "TLS: the broker ended the handshake: it requires a client certificate "
			 "(cert_file, key_file)?");
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
	if (m->failures > 0 || m->unreachable[0])
		log_info("connected to MQTT broker %s:%d", m->host, m->port);
	m->unreachable[0] = '\0';
	m->attempt_error[0] = '\0';
}

const char *mqtt_unreachable_reason(const struct mqtt *m)
{
	return m && m->unreachable[0] ? m->unreachable : NULL;
}
