#pragma once

/*
 * The bedroom every fault test breaks: a real mosquitto on 127.0.0.1 and a
 * free port, the real bedroomd on a temporary config and state directory, the
 * simulated room's Tasmota plug (tools/sim-room as a process), a DS18B20 on a
 * fake sysfs tree whose temperature the test sets, and a recording client
 * subscribed to everything. Every process is stopped by PID; every path is
 * under mkdtemp, and every topic and client id carries the test's PID, so two
 * runs on one machine do not meet.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tests/integration/harness.h"

struct rig {
	struct broker broker;
	struct daemon daemon;
	struct client *client; /* subscribed to "#" */
	pid_t plug_pid;
	char dir[96]; /* the fake sysfs tree and the plug's log */
	char sysfs[128];
	char node[32]; /* node_id */
	char base[64]; /* bedroomd/<node> */
	char plug[48]; /* the plug's Tasmota topic */
	char db[256];  /* the store file */
	char plug_log[160];
	char topic[256]; /* rig_topic()'s buffer */
	bool guest;      /* on another rig's broker (rig_setup_beside()) */
};

/*
 * Makes the rig (nothing started but the broker and the client); @name goes
 * into node_id. @heating: lines for [heating] after the floor (NULL: the floor
 * of 18 °C holds by day too); @sections: more sections; @heater: more lines
 * for [heater.oil] (each may be NULL). The room starts at 16 °C. 0 or -1.
 */
int rig_setup(struct rig *r, const char *name, const char *heating, const char *sections,
	      const char *heater);
/*
 * A second bedroom on @host's broker: its own node_id (from @name), plug,
 * sysfs tree, state directory and daemon, the default heating. @host must
 * outlive it. 0 or -1.
 */
int rig_setup_beside(struct rig *r, const struct rig *host, const char *name);
/*
 * Restarts the rig's broker (on its port) with @extra_conf added to its
 * configuration (a bridge), and the client with it; before rig_start(). 0 or -errno.
 */
int rig_broker_conf(struct rig *r, const char *extra_conf);
/* Stops everything, prints the daemon's log and removes every directory. Accepts NULL. */
void rig_teardown(struct rig *r);

/* Starts the plug (sim-room). Returns 0 or a negative errno. */
int rig_start_plug(struct rig *r);
/* The thermometer now reads @c. Returns 0 or a negative errno. */
int rig_room(struct rig *r, double c);
/* Starts the daemon; waits for READY=1 and "online". Returns 0 or a negative errno. */
int rig_start(struct rig *r);

/* "<base>/<suffix>" in the rig's buffer (overwritten by the next call). */
const char *rig_topic(struct rig *r, const char *suffix);
/* The plug's command topics: cmnd/<plug>/POWER (OFF) and cmnd/<plug>/Backlog (ON). */
const char *rig_plug_off_topic(struct rig *r);
const char *rig_plug_on_topic(struct rig *r);

/* PRAGMA integrity_check of @db: 0 when "ok", else -1 with what it said printed. */
int rig_integrity(const char *db);

/* Waits until count(*) of @table WHERE @where is @want; returns the last count. */
int rig_wait_rows(const char *db, const char *table, const char *where, int want, int timeout_ms);

/* The seed of this run: $FAULTS_SEED, else the time; printed so a failure can be repeated. */
uint64_t rig_seed(const char *test);
/* The next pseudo-random number from *state (xorshift64*). */
uint32_t rig_random(uint64_t *state);

/*
 * Reads what the daemon sent to its NOTIFY_SOCKET so far (into its notify_log).
 * A test that runs long must: sd_notify() blocks once the socket's queue is full,
 * as a service manager that never reads would make it.
 */
void rig_drain_notify(struct rig *r);

/* How often @needle occurs in the daemon's log so far. */
int rig_log_count(struct rig *r, const char *needle);
/* Waits until @needle occurs more than @count times in the log; 0 or -ETIMEDOUT. */
int rig_wait_log_after(struct rig *r, const char *needle, int count, int timeout_ms);

/* Runs the client's loop for @ms, taking in what arrives. */
void rig_drain(struct client *c, int ms);

/* A cramp event as a subscriber saw it. */
struct rig_event {
	char id[128];
	char note[64];
};

/* The cramp events the subscribers saw so far, across client sessions. */
struct rig_events {
	struct rig_event *list;
	size_t n;
};

/* Adds every "<base>/event/cramp" that @c received to @e. */
void rig_events_take(struct rig_events *e, struct client *c, const char *base);
void rig_events_clear(struct rig_events *e);
/*
 * Checks @e against the store @db: every stored cramp was seen, every event
 * seen is a stored cramp, one note never came with two ids. Returns how many
 * events were repeats (the same id again), or -1 after printing what is wrong.
 */
int rig_events_check(const struct rig_events *e, const char *db);
