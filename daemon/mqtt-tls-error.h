#pragma once

#include <stdbool.h>
#include <stddef.h>

struct mosquitto;

/*
 * Why a TLS connection to the broker failed, in words that name what to fix,
 * for the daemon and bedroomctl alike. libmosquitto says it only through its
 * log callback, while the TLS session is still there to ask.
 */

/* Whether @line, an error libmosquitto logged, is about TLS. */
bool mqtt_tls_error_line(const char *line);

/*
 * Writes the cause behind @line into @buf: the certificate's verification
 * result when there is one ("the broker's certificate is refused: ... (not
 * signed by ca_file '@ca_file')"), otherwise OpenSSL's reason.
 */
void mqtt_tls_error_explain(struct mosquitto *mosq, const char *line, const char *ca_file,
			    char *buf, size_t size);

/*
 * What a connection the broker ended before CONNACK, without a word we
 * understand, may mean: a plain client on a TLS port, or (@tls) a broker that
 * wants a client certificate we do not send (@client_cert false), or a port
 * that does not speak TLS.
 */
const char *mqtt_ended_before_connack(bool tls, bool client_cert);
