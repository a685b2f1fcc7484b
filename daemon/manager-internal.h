#pragma once

/*
 * Internal to the manager: manager.c (set-up, signals, what the parts and
 * the connection tell it), manager-state.c (what it tells systemd and
 * <base>/state) and manager-reload.c (a new configuration swapped in).
 */

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include "config/config.h"
#include "daemon/parts.h"

struct alerts;
struct cramp_log;
struct cramp_tracker_params;
struct ha_announce;
struct mqtt;
struct mqtt_slot;
struct store;
struct store_guard;

struct manager {
	sd_event *event;
	struct config *config;
	struct store_guard *store;
	struct mqtt *mqtt;
	struct mqtt *mqtt_retiring; /* the old connection, saying "offline" after a reload */
	struct alerts *alerts;
	struct parts_env env; /* what the parts get from us */
	struct parts *parts;  /* of the running configuration */
	struct cramp_log *cramps;
	struct ha_announce *ha;
	struct mqtt_slot *last_state; /* the last run's retained state, read once at start */

	sd_event_source *prune_timer;
	bool prune_held_said;         /* that a prune kept every cramp, said once a run */
	sd_event_source *state_timer; /* <base>/state, STATE_HOLD_USEC after a change */
	uint64_t state_sent_usec;     /* CLOCK_MONOTONIC: the last snapshot; 0 before the first */
	int schema_version;           /* of the open store, for the state */
	sd_event_source *flush_timer; /* armed while cramps or reminders wait for the store */
	sd_event_source *stop_wait;   /* a stop's wait for the plugs' OFF (manager-stop.c) */
	sd_event_source *sig_term;
	sd_event_source *sig_int;
	sd_event_source *sig_hup;

	char started[40]; /* ISO-8601 local time of start-up */
	bool stopping;
};

/* manager-state.c */
int manager_add_state_timer(struct manager *m);
void manager_notify_status(struct manager *m);
void manager_publish_state(struct manager *m);
void manager_publish_changes(struct manager *m);

/* The cramp log's settings from [cramps], at the start and at a reload. */
void manager_cramp_params(const struct config *c, struct cramp_tracker_params *ret,
			  int64_t *ret_confirm_window_s);

/* manager-stop.c: a stop on signal @signo, and what a change of the parts means to it */
void manager_stop(struct manager *m, int signo);
void manager_stop_parts_changed(struct manager *m);

/* manager-reload.c */
void manager_apply_log_level(const struct config *c);
void manager_reload(struct manager *m);

/* manager.c's, which a reload hands to what it makes anew */
extern const struct mqtt_callbacks manager_mqtt_callbacks;
extern const struct store_guard_callbacks manager_store_callbacks;
int manager_attach(struct manager *m, struct mqtt *mqtt);
void manager_on_store_changed(struct store *store, void *userdata);
void manager_on_mqtt_stopped(void *userdata);

/* Closes @fd if it is one: a lock that was not handed to a store guard. */
static inline void manager_close_fd(int fd)
{
	if (fd >= 0)
		(void) close(fd);
}
