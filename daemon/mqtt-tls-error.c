/* Why a TLS connection failed: see mqtt-tls-error.h. */
#include "daemon/mqtt-tls-error.h"

#include <mosquitto.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#define OPENSSL_PREFIX "OpenSSL Error["

/* "OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed" → the reason. */
static const char *openssl_reason(const char *line)
{
	const char *colon = strrchr(line, ':');

	return colon && colon[1] ? colon + 1 : line;
}

/*
 * OpenSSL's reasons for a chain that does not lead to a CA of ca_file: its words
 * ("self-signed certificate in certificate chain") do not name the file.
 */
static bool not_signed_by_ca(long verify)
{
	switch (verify) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_UNTRUSTED:
		return true;
	default:
		return false;
	}
}

bool mqtt_tls_error_line(const char *line)
{
	/* libmosquitto's own host name check says "Error: host name verification failed." */
	return strncmp(line, OPENSSL_PREFIX, strlen(OPENSSL_PREFIX)) == 0 ||
	       strstr(line, "verification failed");
}

void mqtt_tls_error_explain(struct mosquitto *mosq, const char *line, const char *ca_file,
			    char *buf, size_t size)
{
	SSL *ssl = mosquitto_ssl_get(mosq);
	long verify = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;

	/* Said from inside the verification, before the session records its result. */
	if (strstr(line, "host name verification failed"))
		verify = X509_V_ERR_HOSTNAME_MISMATCH;
	if (verify != X509_V_OK && not_signed_by_ca(verify))
		snprintf(
		    buf, size,
		    "TLS: the broker's certificate is refused: %s (not signed by ca_file '%s')",
		    X509_verify_cert_error_string(verify), ca_file ? ca_file : "");
	else if (verify != X509_V_OK)
		snprintf(buf, size, "TLS: the broker's certificate is refused: %s",
			 X509_verify_cert_error_string(verify));
	else
		snprintf(buf, size, "TLS: %s", openssl_reason(line));
}

const char *mqtt_ended_before_connack(bool tls, bool client_cert)
{
	if (!tls)
		return "the broker closed the connection before answering (does this port "
		       "want TLS? set ca_file)";
	/* A plain port is the commoner mistake (ca_file set, port 1883): said first. */
	if (!client_cert)
		return "TLS: the broker ended the handshake: does it speak TLS on this port? (or "
		       "it requires a client certificate: cert_file, key_file)";
	return "TLS: the broker ended the handshake: does it speak TLS on this port?";
}
