#include "daemon/manager.h"
#include "daemon/manager-internal.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include <time.h>

#include "daemon/alerts-carry.h"
#include "daemon/alerts.h"
#include "daemon/clock.h"
#include "daemon/cramp-log.h"
#include "daemon/event-source.h"
#include "daemon/ha-announce.h"
#include "daemon/log.h"
#include "daemon/mqtt.h"
#include "daemon/parts.h"
#include "daemon/reminders.h"
#include "daemon/state-dir.h"
#include "daemon/store-guard.h"
#include "store/store.h"
#include "version.h"

/* What the store could not take (a full disk) is offered to it again this often. */
#define STORE_FLUSH_USEC (10ULL * 1000000ULL)
/* The parts heard it first (they watch the connection): now the state they are in. */
static void on_mqtt_connected(void *userdata)
{
	struct manager *m = userdata;

	manager_publish_changes(m);
	manager_notify_status(m);
}

/* The context of a cramp at @time_s: see parts_cramp_context(). */
static void cramp_context(struct cramp_context *ret, int64_t time_s, void *userdata)
{
	struct manager *m = userdata;

	parts_cramp_context(m->parts, store_guard_get(m->store), time_s,
			    (int64_t) (clock_realtime_usec() / 1000000), ret);
}

/*
 * The store is open but a write failed (a full disk): the cramp log and the
 * reminders keep what they could not write in memory, and nothing else would
 * offer it to the store again before a restart, which would lose it. Try
 * every few seconds.
 */
static void schedule_flush(struct manager *m)
{
	if (!m->flush_timer || ((!m->cramps || !cramp_log_store_failing(m->cramps)) &&
				(!m->parts || !parts_store_failing(m->parts))))
		return;
	if (sd_event_source_get_enabled(m->flush_timer, NULL) > 0)
		return;
	(void) sd_event_source_set_time_relative(m->flush_timer, STORE_FLUSH_USEC);
	(void) sd_event_source_set_enabled(m->flush_timer, SD_EVENT_ONESHOT);
}

static int on_flush_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	struct store *store = store_guard_suspect(m->store); /* a damaged one is replaced */

	if (store) {
		cramp_log_set_store(m->cramps, store);
		parts_set_store(m->parts, store); /* the reminders write what they hold */
	}
	schedule_flush(m);
	manager_publish_changes(m); /* store_failed may have cleared */
	return 0;
}

static void on_cramps_changed(void *userdata)
{
	schedule_flush(userdata);
	manager_publish_changes(userdata);
}

static const struct cramp_log_callbacks cramp_callbacks = {
	.context = cramp_context,
	.changed = on_cramps_changed,
};

/*
 * Retention: what is older goes, once delivered; daily, and whenever the store
 * opens. @store is passed: at the start it opens before m->store is set.
 */
static void prune(struct manager *m, struct store *store)
{
	int64_t now = (int64_t) (clock_realtime_usec() / 1000000);
	int r;

	if (!store || m->config->cramps.retention_usec == 0)
		return;
	r = store_prune(store, now - (int64_t) (m->config->cramps.retention_usec / 1000000));
	/* "Bad message" said nothing of damage (a user trial): the store's own words. */
	if (r < 0)
		log_warning("store: cannot delete old entries from '%s' (%s), ignoring%s",
			    store_path(store), store_strerror(r),
			    r == -EBADMSG ? "; the next check for damage (30 s after an open, "
					    "daily, or when a write fails) replaces it if it is"
					  : "");
	else if (r > 0 && !m->prune_held_said) {
		char at[40];

		(void) clock_format_local(clock_realtime_usec(), at, sizeof(at));
		log_warning("store: every cramp in '%s' is older than the retention (%llu days) "
			    "by the clock (%s): all kept. Is the clock right? Older ones go once "
			    "a newer cramp is logged",
			    store_path(store),
			    m->config->cramps.retention_usec / (86400ULL * 1000000), at);
	}
	m->prune_held_said |= r > 0;
}

static int on_prune_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;

	prune(m, store_guard_get(m->store));
	(void) sd_event_source_set_time_relative(s, 24ULL * 3600 * 1000000);
	return 0;
}

void manager_on_store_changed(struct store *store, void *userdata)
{
	struct manager *m = userdata;

	m->schema_version = store ? store_schema_version(store) : 0;
	if (m->cramps)
		cramp_log_set_store(m->cramps, store);
	if (m->parts)
		parts_set_store(m->parts, store);
	if (m->ha)
		ha_announce_set_store(m->ha, store);
	if (m->config)
		prune(m, store);
}

const struct store_guard_callbacks manager_store_callbacks = {
	.changed = manager_on_store_changed,
};

static void on_parts_changed(void *userdata)
{
	schedule_flush(userdata); /* a reminder's write may have failed */
	manager_publish_changes(userdata);
	manager_stop_parts_changed(userdata); /* a plug's OFF confirmed at a stop */
}

/* A restart must not leave a "raised" without its "cleared": the next run reads these. */
static void keep_alerts(struct manager *m)
{
	alerts_carry_keep(m->alerts, store_guard_get(m->store));
}

static uint64_t alert_recheck_usec(const char *kind, const char *source, void *userdata)
{
	struct manager *m = userdata;

	if (strcmp(source, "store") == 0)
		return store_guard_alert_horizon_usec(kind) + ALERTS_RECHECK_SLACK_USEC;
	return parts_alert_horizon_usec(m->parts, kind, source) + ALERTS_RECHECK_SLACK_USEC;
}

/* The last run's retained state, once: the first message on <base>/state. */
static void on_last_state(const struct mqtt_message *msg, void *userdata)
{
	struct manager *m = userdata;

	m->last_state = mqtt_slot_free(m->last_state);
	if (msg->retained)
		alerts_carry_from_state(m->alerts, msg->payload, msg->len, m->started,
					alert_recheck_usec, m);
}

static void on_alerts_changed(void *userdata)
{
	keep_alerts(userdata);
	on_parts_changed(userdata);
}

/*
 * The store's alerts are seen again without the broker; the parts' (a plug, an
 * MQTT thermometer) may need it to be seen at all. A GPIO or sysfs part's waits
 * too: its "cleared" could not reach the phone before the broker anyway.
 */
static bool alert_needs_broker(const char *kind, const char *source, void *userdata)
{
	(void) kind;
	(void) userdata;
	return strcmp(source, "store") != 0;
}

static const struct alerts_callbacks alerts_callbacks = {
	.changed = on_alerts_changed,
	.needs_broker = alert_needs_broker,
};

static void on_mqtt_disconnected(void *userdata)
{
	manager_notify_status(userdata);
	manager_stop_parts_changed(userdata); /* no plug confirms now: a stop need not wait */
}

void manager_on_mqtt_stopped(void *userdata)
{
	struct manager *m = userdata;

	if (m->stopping) {
		(void) sd_event_exit(m->event, 0);
		return;
	}
	/* The old connection of a reload said "offline": start the new one. */
	m->mqtt_retiring = mqtt_free(m->mqtt_retiring);
	if (m->mqtt)
		(void) mqtt_start(m->mqtt);
}

const struct mqtt_callbacks manager_mqtt_callbacks = {
	.connected = on_mqtt_connected,
	.disconnected = on_mqtt_disconnected,
	.stopped = manager_on_mqtt_stopped,
	.unreachable = on_mqtt_disconnected, /* the cause changed: STATUS= says it */
};

/* The parts that live as long as the daemon take their topics on @mqtt. */
/* Each on its own: one that cannot follow does not keep the other on the old connection. */
int manager_attach(struct manager *m, struct mqtt *mqtt)
{
	int r, k;

	r = alerts_attach(m->alerts, mqtt);
	if (r < 0)
		log_error_errno(r, "alerts cannot use the MQTT connection; they are kept in the "
				   "store and on the state topic only");
	k = cramp_log_attach(m->cramps, mqtt);
	if (k < 0)
		log_error_errno(k, "the cramp log cannot use the MQTT connection; cramps are "
				   "stored and sent after the next reload or restart");
	return r < 0 ? r : k;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct manager *m = userdata;

	if (si->ssi_signo == SIGHUP) {
		/* Stopping: a new heating would switch the heaters on again after their OFF. */
		if (m->stopping)
			log_info("stopping: not reloading");
		else
			manager_reload(m);
		return 0;
	}
	manager_stop(m, (int) si->ssi_signo);
	return 0;
}

void manager_cramp_params(const struct config *c, struct cramp_tracker_params *ret,
			  int64_t *ret_confirm_window_s)
{
	cramp_tracker_params_default(ret);
	ret->dedup_window_s = (int64_t) (c->cramps.dedup_window_usec / 1000000);
	ret->message[CRAMP_ADVISORY_KIND_FREQUENCY] = c->cramps.frequency_message;
	ret->message[CRAMP_ADVISORY_KIND_ONE_SIDED] = c->cramps.one_sided_message;
	ret->message[CRAMP_ADVISORY_KIND_SPREAD] = c->cramps.spread_message;
	*ret_confirm_window_s = (int64_t) (c->cramps.confirm_window_usec / 1000000);
}

static int make_cramp_log(struct manager *m)
{
	struct cramp_tracker_params p;
	int64_t confirm_window_s;

	manager_cramp_params(m->config, &p, &confirm_window_s);
	return cramp_log_new(m->config->daemon.node_id, &p, confirm_window_s,
			     store_guard_get(m->store), m->alerts, &cramp_callbacks, m, &m->cramps);
}

int manager_new(struct config *config, struct manager **ret)
{
	struct manager *m;
	int lock_fd = -1;
	int r;

	m = calloc(1, sizeof(*m));
	if (!m)
		return log_error_errno(-ENOMEM, "cannot start");
	m->config = config;
	manager_apply_log_level(config);
	clock_format_local(clock_realtime_usec(), m->started, sizeof(m->started));
	/* Before anything is set up: a second bedroomd stops here. */
	r = state_dir_lock(config->daemon.state_dir, NULL, &lock_fd);
	if (r < 0)
		goto out;

	/* Not sd_event_default(): that one asks the kernel for our thread id every iteration. */
	r = sd_event_new(&m->event);
	if (r < 0) {
		log_error_errno(r, "cannot create the event loop");
		goto out;
	}
	r = sd_event_set_watchdog(m->event, true);
	if (r < 0) {
		log_error_errno(r, "cannot enable the watchdog");
		goto out;
	}
	r = sd_event_add_signal(m->event, &m->sig_term, SIGTERM | SD_EVENT_SIGNAL_PROCMASK,
				on_signal, m);
	if (r >= 0)
		r = sd_event_add_signal(m->event, &m->sig_int, SIGINT | SD_EVENT_SIGNAL_PROCMASK,
					on_signal, m);
	if (r >= 0)
		r = sd_event_add_signal(m->event, &m->sig_hup, SIGHUP | SD_EVENT_SIGNAL_PROCMASK,
					on_signal, m);
	if (r >= 0)
		r = event_source_describe(m->sig_term, "signal-term");
	if (r >= 0)
		r = event_source_describe(m->sig_int, "signal-int");
	if (r >= 0)
		r = event_source_describe(m->sig_hup, "signal-hup");
	if (r < 0) {
		log_error_errno(r, "cannot watch signals");
		goto out;
	}
	r = sd_event_add_time_relative(m->event, &m->prune_timer, CLOCK_MONOTONIC,
				       24ULL * 3600 * 1000000, 0, on_prune_timer, m);
	if (r >= 0)
		r = event_source_describe(m->prune_timer, "store-prune");
	if (r >= 0)
		r = sd_event_source_set_enabled(m->prune_timer, SD_EVENT_ON);
	if (r >= 0)
		r = manager_add_state_timer(m);
	if (r >= 0)
		r = sd_event_add_time_relative(m->event, &m->flush_timer, CLOCK_MONOTONIC,
					       STORE_FLUSH_USEC, 0, on_flush_timer, m);
	if (r >= 0)
		r = event_source_describe(m->flush_timer, "store-flush");
	if (r >= 0)
		r = sd_event_source_set_enabled(m->flush_timer, SD_EVENT_OFF);
	if (r >= 0)
		r = alerts_new(m->event, config->daemon.node_id, &alerts_callbacks, m, &m->alerts);
	if (r >= 0) {
		r = store_guard_new(m->event, config->daemon.state_dir, lock_fd, m->alerts,
				    &manager_store_callbacks, m, &m->store);
		if (r >= 0)
			lock_fd = -1; /* the guard's */
	}
	if (r >= 0)
		r = make_cramp_log(m);
	if (r < 0) {
		log_error_errno(r, "cannot start");
		goto out;
	}
	m->env = (struct parts_env){ .event = m->event,
				     .alerts = m->alerts,
				     .cramps = m->cramps,
				     .changed = on_parts_changed,
				     .userdata = m };
	r = parts_new(&m->env, config, &m->parts);
	if (r < 0)
		goto out; /* logged */
	alerts_carry_from_store(m->alerts, store_guard_get(m->store), alert_recheck_usec, m);
	r = mqtt_new(m->event, &config->mqtt, &manager_mqtt_callbacks, m, &m->mqtt);
	if (r >= 0)
		r = manager_attach(m, m->mqtt);
	if (r >= 0)
		r = mqtt_subscribe_below(m->mqtt, "state", 1, on_last_state, m, &m->last_state);
	if (r >= 0)
		r = ha_announce_new(store_guard_get(m->store), m->alerts, &m->ha);
	if (r >= 0)
		r = ha_announce_configure(m->ha, config, m->mqtt);
	if (r < 0) {
		log_error_errno(r, "cannot set up the MQTT client");
		goto out;
	}
	*ret = m;
	return 0;
out:
	m->config = NULL; /* not taken on failure */
	manager_free(m);
	manager_close_fd(lock_fd);
	return r;
}

struct manager *manager_free(struct manager *m)
{
	if (!m)
		return NULL;
	m->last_state = mqtt_slot_free(m->last_state);
	m->mqtt = mqtt_free(m->mqtt);
	m->mqtt_retiring = mqtt_free(m->mqtt_retiring);
	m->ha = ha_announce_free(m->ha);
	m->parts = parts_free(m->parts);
	m->cramps = cramp_log_free(m->cramps);
	m->store = store_guard_free(m->store);
	m->alerts = alerts_free(m->alerts);
	m->prune_timer = sd_event_source_disable_unref(m->prune_timer);
	m->state_timer = sd_event_source_disable_unref(m->state_timer);
	m->flush_timer = sd_event_source_disable_unref(m->flush_timer);
	m->stop_wait = sd_event_source_disable_unref(m->stop_wait);
	m->sig_hup = sd_event_source_disable_unref(m->sig_hup);
	m->sig_int = sd_event_source_disable_unref(m->sig_int);
	m->sig_term = sd_event_source_disable_unref(m->sig_term);
	m->event = sd_event_unref(m->event);
	config_free(m->config);
	free(m);
	return NULL;
}

int manager_run(struct manager *m)
{
	int r;

	r = parts_start(m->parts, m->mqtt, store_guard_get(m->store));
	if (r < 0)
		return EXIT_FAILURE;
	r = mqtt_start(m->mqtt);
	if (r < 0) {
		log_error_errno(r, "cannot start MQTT");
		return EXIT_FAILURE;
	}
	(void) sd_notify(false, "READY=1");
	manager_notify_status(m);
	log_info("bedroomd %s running as '%s', base topic '%s'", BEDROOMD_VERSION,
		 m->config->daemon.node_id, m->config->mqtt.base_topic);
	r = sd_event_loop(m->event);
	if (r < 0) {
		log_error_errno(r, "event loop failed");
		return EXIT_FAILURE;
	}
	return r == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
