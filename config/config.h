#pragma once

#include <stdbool.h>
#include <stdio.h>

/*
 * The daemon's configuration: an INI file read through inih. Plain data, owned
 * by whoever called config_load(); every string is owned by the config.
 */

#define CONFIG_DEFAULT_PATH "/etc/bedroomd/bedroomd.conf"

/* Exit status for a configuration error (EX_CONFIG of sysexits.h). */
#define CONFIG_EXIT_STATUS 78

enum config_log_level {
	CONFIG_LOG_LEVEL_ERROR,
	CONFIG_LOG_LEVEL_WARNING,
	CONFIG_LOG_LEVEL_INFO,
	CONFIG_LOG_LEVEL_DEBUG,
};

struct config_daemon {
	char *node_id;	 /* keeps rooms apart on the broker and in Home Assistant */
	char *state_dir; /* where the SQLite store lives */
	enum config_log_level log_level;
};

struct config_mqtt {
	char *host;
	int port;
	char *client_id;
	char *base_topic;
	int keepalive_s;
	char *username;
	char *password_file;
	char *password; /* read from password_file at load time, never from the INI itself */
	char *ca_file;	/* TLS is on when set */
	char *cert_file;
	char *key_file;
};

struct config {
	char *path;
	struct config_daemon daemon;
	struct config_mqtt mqtt;
};

/*
 * Reads and checks the file at @path. On success returns 0 and a new config in
 * *ret (free it with config_free()). On failure returns a negative errno
 * (-ENOENT, -EACCES, ... for an unreadable file, -EINVAL for bad contents) and
 * puts a newly allocated message "FILE:LINE: what is wrong" in *ret_error,
 * which the caller frees. Nothing else is touched on failure.
 */
int config_load(const char *path, struct config **ret, char **ret_error);

/* Frees @c and everything it owns; accepts NULL; returns NULL. */
struct config *config_free(struct config *c);

/*
 * Writes every effective setting as INI to @f, secrets masked. The output
 * parses back to an equal config. Returns 0 or a negative errno.
 */
int config_dump(const struct config *c, FILE *f);
