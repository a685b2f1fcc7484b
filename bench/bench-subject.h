#pragma once

/*
 * What the efficiency bench measures, each the same way: the floor relay
 * (bench-relay), bedroomd, and Node-RED when it is there. Each turns a
 * temperature on its input topic into "ON" / "OFF" on its command topic(s)
 * and says "online" on its own topic once connected.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum bench_kind {
	BENCH_KIND_RELAY,
	BENCH_KIND_DAEMON,    /* an MQTT thermometer, a generic and a Tasmota plug */
	BENCH_KIND_DAEMON_W1, /* the same with a DS18B20 on a fake sysfs tree instead */
	BENCH_KIND_NODERED,
};

/* Where the programs are, from the command line and the environment. */
struct bench_paths {
	const char *relay;       /* bench-relay */
	const char *daemon;      /* bedroomd */
	const char *thermostat;  /* bench-thermostat, or NULL */
	const char *node;        /* node, or NULL: no Node-RED */
	const char *node_red_js; /* node-red's red.js, or NULL */
};

struct bench_subject {
	enum bench_kind kind;
	const char *name;
	const struct bench_paths *paths;
	int port; /* of the broker */
	char id[32];
	char dir[128];
	char in_topic[96];
	char out_topic[2][96]; /* the commands; the second is empty but for bedroomd */
	char confirm_topic[2][96];
	char online_topic[96];
	pid_t pid;
	int notify_fd; /* bedroomd's NOTIFY_SOCKET, bound by the bench; -1 otherwise */
	uint64_t launch_usec;
	uint64_t ready_usec; /* READY=1 arrived; 0: not (yet) */
};

/* Sets @s up (its directory, its configuration) without starting it. 0 or a negative errno. */
int bench_subject_init(struct bench_subject *s, enum bench_kind kind, const struct bench_paths *p,
		       int port, const char *id);

/* Launches it; records launch_usec. 0 or a negative errno. */
int bench_subject_launch(struct bench_subject *s);

/* Waits up to @timeout_usec for READY=1 (bedroomd only); records ready_usec. 0 or -ETIMEDOUT. */
int bench_subject_wait_ready(struct bench_subject *s, uint64_t timeout_usec);

/* Stops it (SIGTERM). */
void bench_subject_stop(struct bench_subject *s);

/* Stops it and removes its directory. */
void bench_subject_done(struct bench_subject *s);

/* The command the subject sends for a reading of @c °C: "ON" or "OFF". */
const char *bench_expected(double c);
