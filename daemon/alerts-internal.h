/* What alerts.c and alerts-restore.c share: the set, and the few steps both take. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "daemon/alerts.h"

/* Enough for every alert of a long broker outage; the oldest go first when full. */
#define PENDING_MAX 64
/*
 * Clears kept for a replay to a Home Assistant that was away (alerts_replay()):
 * the last of each alert, for a day of running (CLOCK_MONOTONIC: a clear made
 * before NTP set the clock, at 1970 or fake-hwclock's last save, is not a day
 * old because the clock then jumped). Far more than a bedroom clears in one.
 */
#define RECENT_MAX 32

struct active {
	char *kind;
	char *source;
	char since[40];
	bool restored;         /* left active by a previous run, not raised again yet */
	bool reloaded;         /* restored: from a part a reload made anew, not a restart */
	uint64_t recheck_usec; /* restored: cleared at this CLOCK_MONOTONIC time */
	uint64_t horizon_usec; /* restored: how long its check takes */
	bool needs_broker;     /* restored: its check counts only while connected */
	json_t *event;         /* its "raised", for a replay; NULL: not made yet (restored) */
};

/* An alert cleared lately: its "cleared", for a replay. */
struct recent {
	char *kind;
	char *source;
	uint64_t cleared_usec; /* CLOCK_MONOTONIC: when it was cleared */
	json_t *event;
};

struct alerts {
	const struct alerts_callbacks *cb;
	void *userdata;
	struct mqtt *mqtt;        /* where events go; NULL: not yet */
	struct mqtt_slot *watch;  /* sends what waits on every connect */
	sd_event_source *defer;   /* sends soon after a change, once per loop iteration */
	sd_event_source *recheck; /* clears the restored alerts nobody raised again */
	sd_event *event;
	bool active_changed;
	char *node_id;
	uint64_t seq; /* with the start time, makes ids unique across restarts */
	uint64_t boot_usec;
	struct active *active;
	size_t n_active;
	char *pending[PENDING_MAX]; /* serialised events, oldest first */
	unsigned n_pending;
	struct recent recent[RECENT_MAX]; /* the last clear of each alert, oldest first */
	unsigned n_recent;
};

struct active *alerts_find(const struct alerts *a, const char *kind, const char *source);
/* A new entry of the active set (@restored: left by a previous run). 0 or -ENOMEM. */
int alerts_add_active(struct alerts *a, const char *kind, const char *source, const char *since,
		      bool restored);
/* Something to send, or the active set changed: act once the current handler is done. */
void alerts_soon(struct alerts *a, bool active_changed);

/* alerts-restore.c: arms the recheck for the earliest restored alert nobody raised again. */
int alerts_arm_recheck(struct alerts *a);
/* alerts-restore.c: connected (again): checks that need the broker start anew. */
void alerts_recheck_from_now(struct alerts *a);
