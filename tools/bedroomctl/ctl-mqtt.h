#pragma once

#include <stdbool.h>
#include <stddef.h>

struct config_mqtt;

/*
 * bedroomctl's short talks with the broker, with the daemon's own broker
 * settings (host, port, user, password, TLS). Each connects with a clean
 * session of its own, does one thing, and disconnects; each gives up after
 * @timeout_ms. Return 0, or -ETIMEDOUT, -ECONNREFUSED, -EACCES, ... with a
 * message for the user in *ret_error (static). -EACCES: the broker refused the
 * user name or password (the message says what was sent, and from where):
 * trying again later fails the same way.
 */

/*
 * Publishes @payload on @topic (QoS 1, waiting for the PUBACK) only when a
 * retained message on @retained_topic comes within @retained_timeout_ms: a
 * command topic nobody reads would lose it. One connection for both. Returns
 * 1 and that message in a new string in *ret_retained (the caller frees it)
 * when published, 0 and NULL when nothing was retained (nothing published), or
 * -errno (NULL).
 */
int ctl_mqtt_publish_if_retained(const struct config_mqtt *m, const char *retained_topic,
				 int retained_timeout_ms, const char *topic, const char *payload,
				 int timeout_ms, char **ret_retained, const char **ret_error);

/*
 * Subscribes to the @n topics and waits for their retained messages: each
 * that came is put in a new string in ret_payloads[i], the rest are left
 * NULL. Returns how many came (0 when none did within @timeout_ms), or -errno.
 */
int ctl_mqtt_fetch_retained(const struct config_mqtt *m, const char *const *topics, size_t n,
			    char **ret_payloads, int timeout_ms, const char **ret_error);

/*
 * Takes retained messages off the broker: collects those under @filter
 * (wildcards allowed) until none came for @quiet_ms, keeps the ones @keep
 * (topic, payload, @arg) wants, publishes an empty retained message on each
 * (QoS 1; not with @dry_run) and waits for the broker's acknowledgements.
 * Their topics are put in a new array in *ret_topics (the caller frees each
 * and the array), *ret_n long.
 */
int ctl_mqtt_clear_retained(const struct config_mqtt *m, const char *filter,
			    bool (*keep)(const char *topic, const char *payload, void *arg),
			    void *arg, bool dry_run, int quiet_ms, int timeout_ms,
			    char ***ret_topics, size_t *ret_n, const char **ret_error);

/*
 * Says on stderr why a call above failed with @r and *ret_error @error:
 * "bedroomctl: HOST:PORT: ERROR: ERRNO-TEXT@tail", without the errno's words
 * where they would mislead (a host name that does not resolve).
 */
void ctl_mqtt_say_failure(const struct config_mqtt *m, const char *error, int r, const char *tail);
