#pragma once

/*
 * What every integration test needs: a real mosquitto broker on 127.0.0.1 and
 * a free port, the real bedroomd with a temporary config and state dir and a
 * NOTIFY_SOCKET the test owns, and an MQTT client that records what arrives.
 * Every process started here is stopped by PID; every path is under mkdtemp.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct broker {
	pid_t pid;
	int port;
	char dir[64];
	/* Lines added to the broker's configuration (a bridge, persistence); "" for none. */
	char extra_conf[1024];
};

/* A TCP port on 127.0.0.1 nothing listens on (now), or a negative errno. */
int harness_free_port(void);

/* Starts a broker on a free port; returns 0 or a negative errno. */
int broker_start(struct broker *b);
/* The same, with @extra_conf (copied, may be NULL) added to its configuration. */
int broker_start_conf(struct broker *b, const char *extra_conf);
/* Starts it again on the port it had (after broker_stop()). */
int broker_restart(struct broker *b);
/*
 * What the broker logged so far (caller frees; NULL if unreadable), including a
 * line "<client id> <qos> <filter>" per subscription and "<client id> <filter>"
 * per unsubscription.
 */
char *broker_log(const struct broker *b);
/* Stops the broker (SIGTERM, then SIGKILL); keeps dir and port for a restart. */
void broker_stop(struct broker *b);
/* Stops it and removes its directory. */
void broker_destroy(struct broker *b);

/*
 * A TCP listener on 127.0.0.1 and a free port that never accepts: the kernel
 * takes connections, and nothing is ever read or said (a hung broker). Returns
 * its fd (close it), with the port in *@ret_port, or a negative errno.
 */
int silent_listener(int *ret_port);

struct daemon {
	pid_t pid;
	int notify_fd;
	char dir[64];
	char config_path[128];
	char state_dir[128];
	char stderr_path[128];
	char notify_log[4096]; /* every notify message so far, one per line */
};

/* A fresh temp dir with a state dir; the config is written by daemon_write_config(). */
int daemon_prepare(struct daemon *d);
/* Writes the config file; "@STATE_DIR@" in @text becomes the state dir. */
int daemon_write_config(struct daemon *d, const char *text);
/* Starts bedroomd on the written config, extra arguments may follow (NULL-terminated). */
int daemon_start(struct daemon *d, ...);
/*
 * As daemon_start(), with @env ("NAME=VALUE", NULL-terminated) added to its
 * environment; "@PID@" in a value becomes the daemon's PID (WATCHDOG_PID=@PID@).
 */
int daemon_start_env(struct daemon *d, const char *const *env);
/* Waits until a notify message containing @needle arrives; 0 or -ETIMEDOUT. */
int daemon_wait_notify(struct daemon *d, const char *needle, int timeout_ms);
/* Waits for the process to end; returns its wait status, or -ETIMEDOUT. */
int daemon_wait_exit(struct daemon *d, int timeout_ms);
/* Reads what the daemon wrote to stderr so far (caller frees). */
char *daemon_stderr(struct daemon *d);
/* How many times the daemon's stderr holds @needle so far. */
int daemon_log_count(struct daemon *d, const char *needle);
/* Waits until the daemon's stderr holds @needle; 0 or -ETIMEDOUT. */
int daemon_wait_log(struct daemon *d, const char *needle, int timeout_ms);
/* Kills the daemon if it still runs and removes its directory. */
void daemon_destroy(struct daemon *d);

/* A new directory $TMPDIR/bedroomd-@what-XXXXXX in @buf: 0 or -errno. */
int make_temp_dir(char *buf, size_t size, const char *what);

/* rm -rf @dir (nothing for ""). */
void remove_tree(const char *dir);

/* Runs bedroomd with @args to completion; returns the exit status, output in *ret_output. */
int run_bedroomd(const char *const *args, char **ret_output);

/* The same for @program (a path); stdout and stderr both land in *ret_output. */
int run_program(const char *program, const char *const *args, char **ret_output);

struct message {
	char *topic;
	char *payload;
	bool retained;
};

struct client;

/* Connects a recording client to @b and subscribes to @filter (QoS 1). */
int client_new(const struct broker *b, const char *filter, struct client **ret);
struct client *client_free(struct client *c);
/*
 * Waits for a message on @topic (exact) whose payload equals @payload, or
 * contains it when @payload starts with '~'; NULL matches any. Looks at what
 * arrived so far first. Returns the message (owned by the client) or NULL.
 */
const struct message *client_wait(struct client *c, const char *topic, const char *payload,
				  int timeout_ms);
/* Every message received so far, in order of arrival; returns how many. */
size_t client_messages(const struct client *c, const struct message **ret);

/* How many messages received so far are on @topic with exactly @payload. */
size_t client_count(const struct client *c, const char *topic, const char *payload);

/* Forgets every message received so far. */
void client_clear(struct client *c);
/* Publishes with QoS 1. Returns 0 or a negative errno. */
int client_publish(struct client *c, const char *topic, const char *payload, bool retain);
/*
 * Publishes @len bytes at @qos without waiting: one pass of the client's loop
 * (client_wait() sends the rest). For floods. Returns 0 or a negative errno.
 */
int client_publish_fast(struct client *c, const char *topic, const void *payload, size_t len,
			int qos);
/*
 * Publishes with QoS 1 and waits until the broker's PUBACK has arrived: 0 once
 * it has (the message is the broker's), -ETIMEDOUT, or another negative errno.
 */
int client_publish_acked(struct client *c, const char *topic, const char *payload, int timeout_ms);

/* Starts @argv[0] with its output to @log_path; returns the PID or a negative errno. */
pid_t process_start(const char *const *argv, const char *log_path);
/* Stops it by PID (SIGTERM, then SIGKILL) and waits for it. */
void process_stop(pid_t *pid);

/*
 * What every test's setup does: a broker, a prepared daemon, and a client of
 * it subscribed to @filter. Returns 0, or -1 (tear down what was made).
 */
int harness_setup(struct broker *b, struct daemon *d, const char *filter, struct client **ret);

/*
 * What every test's teardown does: prints the daemon's stderr (for whoever
 * reads a failed run), then stops the client, the daemon and the broker.
 * Each may be NULL / not started.
 */
void harness_teardown(struct client *c, struct daemon *d, struct broker *b);

/*
 * Starts the daemon on its written config and waits until it is ready and
 * @c (subscribed to it) saw "<@base>/availability" online. 0 or -errno.
 */
int daemon_start_online(struct daemon *d, struct client *c, const char *base);

/* count(*) of the rows of @table WHERE @where in the SQLite file @db_path,
 * read-only beside the running daemon; -1 if it cannot be read. */
int store_count_rows(const char *db_path, const char *table, const char *where);

/* Milliseconds of CLOCK_MONOTONIC. */
long long now_ms(void);

/*
 * "HH:MM:SS", local wall time @in_s seconds from now, as a config's `at = `
 * reads it: a reminder a test answers must be due near the test's own time.
 */
void local_time_in(int in_s, char *buf, size_t size);
