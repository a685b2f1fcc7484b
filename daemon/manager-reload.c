/* A reload: the new configuration swapped in, or the running one kept. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>

#include "control/cramp-tracker.h"
#include "daemon/alerts.h"
#include "daemon/clock.h"
#include "daemon/cramp-log.h"
#include "daemon/ha-announce.h"
#include "daemon/heating.h"
#include "daemon/log.h"
#include "daemon/manager-internal.h"
#include "daemon/mqtt.h"
#include "daemon/state-dir.h"
#include "daemon/store-guard.h"
#include "util/streq.h"

void manager_apply_log_level(const struct config *c)
{
	static const enum log_level levels[] = {
		[CONFIG_LOG_LEVEL_ERROR] = LOG_LEVEL_ERROR,
		[CONFIG_LOG_LEVEL_WARNING] = LOG_LEVEL_WARNING,
		[CONFIG_LOG_LEVEL_INFO] = LOG_LEVEL_INFO,
		[CONFIG_LOG_LEVEL_DEBUG] = LOG_LEVEL_DEBUG,
	};

	log_set_max_level(levels[c->daemon.log_level]);
}

/*
 * Whether the connection must be made anew: any [mqtt] key (the key table's)
 * but command_max_age, which heating reads from the new file, or the password
 * its file holds now. A new connection switches the heaters off first
 * (heating_adopt()): no reason to for a key the connection does not use.
 */
static bool mqtt_config_differs(const struct config *a, const struct config *b)
{
	struct config b_as_a = *b;

	b_as_a.mqtt.command_max_age_usec = a->mqtt.command_max_age_usec;
	return !config_section_equal("mqtt", a, &b_as_a) ||
	       !streq_null(a->mqtt.password, b->mqtt.password);
}

/*
 * The cramp log and the alerts live through reloads (what they hold is the
 * person's): they take the new [cramps] settings and node_id, for the ids of
 * the events from now on.
 */
static void apply_to_cramps_and_alerts(struct manager *m, const struct config *next)
{
	struct cramp_tracker_params p;
	int64_t confirm_window_s;
	int r;

	manager_cramp_params(next, &p, &confirm_window_s);
	r = cramp_log_configure(m->cramps, next->daemon.node_id, &p, confirm_window_s);
	if (r < 0)
		log_warning_errno(r, "cannot apply the new [cramps] settings, the cramp log "
				     "goes on with those it had");
	r = alerts_set_node_id(m->alerts, next->daemon.node_id);
	if (r < 0)
		log_warning_errno(r, "cannot apply the new node_id to the alerts' ids, ignoring");
}

/* Swaps in @next (taken on success); the running configuration stays on failure. */
static int apply_config(struct manager *m, struct config *next)
{
	struct config *prev = m->config;
	struct mqtt *mqtt = NULL;
	struct parts *parts = NULL;
	bool new_dir = !state_dir_same(prev->daemon.state_dir, next->daemon.state_dir);
	char new_broker[300];
	int lock_fd = -1;
	int r;

	/* The new state directory is ours before anything of it is used. */
	if (new_dir) {
		r = state_dir_lock(next->daemon.state_dir, prev->daemon.state_dir, &lock_fd);
		if (r < 0)
			return r;
	}
	/* The parts are set up anew from the new file; the old ones stop once it is good. */
	r = parts_new(&m->env, next, &parts);
	if (r < 0) {
		manager_close_fd(lock_fd);
		return log_error_errno(r, "cannot set up the new configuration, keeping the "
					  "running configuration");
	}
	if (mqtt_config_differs(prev, next)) {
		if (m->mqtt_retiring) {
			parts_free(parts);
			manager_close_fd(lock_fd);
			return log_error_errno(-EBUSY,
					       "a previous reload is still switching "
					       "brokers, keeping the running configuration");
		}
		r = mqtt_new(m->event, &next->mqtt, &manager_mqtt_callbacks, m, &mqtt);
		if (r < 0) {
			parts_free(parts);
			manager_close_fd(lock_fd);
			return log_error_errno(r, "cannot set up the new MQTT connection, keeping "
						  "the running configuration");
		}
	}
	/* What did not change goes on as it was: the readings, the relays, their timers. */
	if (mqtt)
		snprintf(new_broker, sizeof(new_broker), "%s:%d", next->mqtt.host, next->mqtt.port);
	parts_adopt(parts, m->parts, mqtt ? new_broker : NULL);
	parts_stop(m->parts);
	m->parts = parts_free(m->parts);
	m->parts = parts;
	if (parts_start(m->parts, mqtt ? mqtt : m->mqtt, store_guard_get(m->store)) < 0)
		log_error("part of the new configuration did not start (see above); the rest runs");
	m->config = next;
	manager_apply_log_level(next);
	apply_to_cramps_and_alerts(m, next);
	if (mqtt)
		(void) manager_attach(m, mqtt);
	r = ha_announce_configure(m->ha, next, mqtt ? mqtt : m->mqtt);
	if (r < 0)
		log_warning_errno(r, "cannot update the Home Assistant entities, ignoring");
	if (new_dir) {
		struct store_guard *g = NULL;

		if (store_guard_new(m->event, next->daemon.state_dir, lock_fd, m->alerts,
				    &manager_store_callbacks, m, &g) >= 0) {
			/*
			 * The new guard told everyone its store if it opened one; if not
			 * (yet), nobody may keep the old one, which goes now, and its
			 * directory's lock with it.
			 */
			if (!store_guard_get(g))
				manager_on_store_changed(NULL, m);
			store_guard_free(m->store);
			m->store = g;
			/* What the person logged seems gone otherwise: say where it is. */
			log_warning("state_dir is now %s: the cramps, settings and learned model "
				    "kept in %s stay there (stop bedroomd and copy its bedroomd.db "
				    "to carry them over)",
				    next->daemon.state_dir, prev->daemon.state_dir);
		} else {
			manager_close_fd(lock_fd); /* the old store and its lock stay */
		}
	}
	if (mqtt) {
		m->last_state = mqtt_slot_free(m->last_state); /* the old broker's */
		m->mqtt_retiring = m->mqtt;
		m->mqtt = mqtt;
		/* The new connection starts once the old one has said "offline". */
		if (mqtt_stop(m->mqtt_retiring) < 0)
			manager_on_mqtt_stopped(m);
	} else {
		manager_publish_changes(m);
	}
	config_free(prev);
	return 0;
}

void manager_reload(struct manager *m)
{
	struct config *next = NULL;
	char *error = NULL;
	int r;

	(void) sd_notifyf(false, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=Reloading %s",
			  (unsigned long long) clock_monotonic_usec(), m->config->path);
	r = config_load(m->config->path, &next, &error);
	if (r < 0) {
		log_lines(LOG_LEVEL_ERROR, error);
		log_error("reload refused, keeping the running configuration");
		free(error);
	} else {
		log_lines(LOG_LEVEL_WARNING, next->warnings);
		if (apply_config(m, next) < 0)
			config_free(next);
		else
			log_info("reloaded '%s'", m->config->path);
	}
	(void) sd_notify(false, "READY=1");
	manager_notify_status(m);
}
