#include "daemon/manager.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include <time.h>
#include <unistd.h>

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
#include "util/streq.h"
#include "version.h"

/* A cramp this recent is "now" for its context; older ones get what the store kept. */
/* What the store could not take (a full disk) is offered to it again this often. */
#define STORE_FLUSH_USEC (10ULL * 1000000ULL)
/*
 * How long the state snapshot waits after the first change: a plug's answer to
 * a command (tens to a few hundred ms over Wi-Fi) joins the snapshot of the
 * reading that asked for it, readings that come fast make one snapshot, and
 * the command goes to the broker alone.
 */
#define STATE_HOLD_USEC     (250ULL * 1000ULL)
#define STATE_HOLD_ACCURACY (25ULL * 1000ULL)
/*
 * And at least this long after the snapshot before: a room that changes all
 * the time (a thermometer that floods) makes one a second, which is more than
 * any dashboard shows, not four (each a JSON document of a kilobyte).
 */
#define STATE_GAP_USEC (1000ULL * 1000ULL)

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
	sd_event_source *state_timer; /* <base>/state, STATE_HOLD_USEC after a change */
	uint64_t state_sent_usec;     /* CLOCK_MONOTONIC: the last snapshot; 0 before the first */
	int schema_version;           /* of the open store, for the state */
	sd_event_source *flush_timer; /* armed while cramps or reminders wait for the store */
	sd_event_source *sig_term;
	sd_event_source *sig_int;
	sd_event_source *sig_hup;

	char started[40]; /* ISO-8601 local time of start-up */
	bool stopping;
};

static const struct mqtt_callbacks mqtt_callbacks;

static void notify_status(struct manager *m)
{
	const struct config_mqtt *c = &m->config->mqtt;
	const char *why = mqtt_is_connected(m->mqtt) ? NULL : mqtt_unreachable_reason(m->mqtt);

	(void) sd_notifyf(false, "STATUS=%s MQTT broker %s:%d%s%s%s",
			  mqtt_is_connected(m->mqtt) ? "Connected to" : "Waiting for", c->host,
			  c->port, why ? ": " : "", why ? why : "",
			  store_guard_get(m->store) ? "" : "; store unavailable");
}

static json_t *state_snapshot(struct manager *m)
{
	struct store *s = store_guard_get(m->store);
	json_t *state, *store;

	if (s && alerts_is_active(m->alerts, "store_failed"))
		/* Open, but a write failed (a full disk): what waits is in memory. */
		store = json_pack("{s:s, s:s, s:i}", "status", "failing", "error",
				  "cannot write: see the store_failed alert", "schema_version",
				  m->schema_version);
	else if (s)
		store =
		    json_pack("{s:s, s:i}", "status", "ok", "schema_version", m->schema_version);
	else {
		int e = store_guard_error(m->store);

		/* The one failure strerror() would only confuse: "Protocol not supported". */
		store =
		    json_pack("{s:s, s:s}", "status", "failed", "error",
			      e == -EPROTONOSUPPORT ? "written by a newer bedroomd" : strerror(-e));
	}
	state = json_pack("{s:s, s:s, s:s, s:o*, s:o*}", "node_id", m->config->daemon.node_id,
			  "version", BEDROOMD_VERSION, "started", m->started, "store", store,
			  "alerts", alerts_active_json(m->alerts));
	if (state &&
	    (parts_add_state(m->parts, state) < 0 || cramp_log_add_state(m->cramps, state) < 0))
		state = (json_decref(state), NULL);
	return state;
}

static void publish_state(struct manager *m)
{
	json_t *state;
	char *text;
	int r;

	if (!mqtt_is_connected(m->mqtt))
		return;
	state = state_snapshot(m);
	text = state ? json_dumps(state, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6))
		     : NULL;
	json_decref(state);
	if (!text) {
		log_error("cannot build the state snapshot: out of memory");
		return;
	}
	r = mqtt_publish_below(m->mqtt, "state", text, strlen(text), 1, true, NULL);
	if (r < 0)
		log_warning_errno(r, "cannot publish state");
	m->state_sent_usec = clock_monotonic_usec();
	free(text);
}

static int on_state_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	publish_state(userdata);
	return 0;
}

/*
 * Sends what changed: the state snapshot (the alerts send their own events),
 * STATE_HOLD_USEC after the first change since the last one: a reading that
 * switches a heater, and the heater's answer, make one snapshot, well after
 * the command.
 */
static void publish_changes(struct manager *m)
{
	int enabled = SD_EVENT_OFF;
	uint64_t due;
	int r;

	if (!m->state_timer) {
		publish_state(m);
		return;
	}
	if (sd_event_source_get_enabled(m->state_timer, &enabled) >= 0 && enabled != SD_EVENT_OFF)
		return;
	due = clock_monotonic_usec() + STATE_HOLD_USEC;
	if (m->state_sent_usec && due < m->state_sent_usec + STATE_GAP_USEC)
		due = m->state_sent_usec + STATE_GAP_USEC;
	r = sd_event_source_set_time(m->state_timer, due);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->state_timer, SD_EVENT_ONESHOT);
	if (r < 0)
		publish_state(m);
}

/* The parts heard it first (they watch the connection): now the state they are in. */
static void on_mqtt_connected(void *userdata)
{
	struct manager *m = userdata;

	publish_changes(m);
	notify_status(m);
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
	publish_changes(m); /* store_failed may have cleared */
	return 0;
}

static void on_cramps_changed(void *userdata)
{
	schedule_flush(userdata);
	publish_changes(userdata);
}

static const struct cramp_log_callbacks cramp_callbacks = {
	.context = cramp_context,
	.changed = on_cramps_changed,
};

/* Retention: what is older goes, once delivered; daily, and whenever the store opens. */
static void prune(struct manager *m)
{
	struct store *store = store_guard_get(m->store);
	int64_t now = (int64_t) (clock_realtime_usec() / 1000000);
	int r;

	if (!store || m->config->cramps.retention_usec == 0)
		return;
	r = store_prune(store, now - (int64_t) (m->config->cramps.retention_usec / 1000000));
	if (r < 0)
		log_warning_errno(r, "cannot delete old entries from the store, ignoring");
}

static int on_prune_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	prune(userdata);
	(void) sd_event_source_set_time_relative(s, 24ULL * 3600 * 1000000);
	return 0;
}

static void on_store_changed(struct store *store, void *userdata)
{
	struct manager *m = userdata;

	m->schema_version = store ? store_schema_version(store) : 0;
	if (m->cramps)
		cramp_log_set_store(m->cramps, store);
	if (m->parts)
		parts_set_store(m->parts, store);
	if (m->config)
		prune(m);
}

static const struct store_guard_callbacks store_callbacks = {
	.changed = on_store_changed,
};

static void on_parts_changed(void *userdata)
{
	schedule_flush(userdata); /* a reminder's write may have failed */
	publish_changes(userdata);
}

/* Beyond the parts' own checks: the first readings and answers after start. */
#define ALERTS_RECHECK_SLACK_USEC (30 * 1000000ULL)

/* A restart must not leave a "raised" without its "cleared": the next run reads these. */
static void keep_alerts(struct manager *m)
{
	alerts_carry_keep(m->alerts, store_guard_get(m->store));
}

static uint64_t alert_recheck_usec(const char *kind, const char *source, void *userdata)
{
	struct manager *m = userdata;

	(void) kind;
	return parts_alert_horizon_usec(m->parts, source) + ALERTS_RECHECK_SLACK_USEC;
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

static const struct alerts_callbacks alerts_callbacks = {
	.changed = on_alerts_changed,
};

static void on_mqtt_disconnected(void *userdata)
{
	notify_status(userdata);
}

static void on_mqtt_stopped(void *userdata)
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

static const struct mqtt_callbacks mqtt_callbacks = {
	.connected = on_mqtt_connected,
	.disconnected = on_mqtt_disconnected,
	.stopped = on_mqtt_stopped,
	.unreachable = on_mqtt_disconnected, /* the cause changed: STATUS= says it */
};

/* The parts that live as long as the daemon take their topics on @mqtt. */
/* Each on its own: one that cannot follow does not keep the other on the old connection. */
static int attach(struct manager *m, struct mqtt *mqtt)
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

static void apply_log_level(const struct config *c)
{
	static const enum log_level levels[] = {
		[CONFIG_LOG_LEVEL_ERROR] = LOG_LEVEL_ERROR,
		[CONFIG_LOG_LEVEL_WARNING] = LOG_LEVEL_WARNING,
		[CONFIG_LOG_LEVEL_INFO] = LOG_LEVEL_INFO,
		[CONFIG_LOG_LEVEL_DEBUG] = LOG_LEVEL_DEBUG,
	};

	log_set_max_level(levels[c->daemon.log_level]);
}

/* Any [mqtt] key (the key table's), or the password its file holds now. */
static bool mqtt_config_differs(const struct config *a, const struct config *b)
{
	return !config_section_equal("mqtt", a, b) ||
	       !streq_null(a->mqtt.password, b->mqtt.password);
}

/* Closes @fd if it is one: a lock that was not handed to a store guard. */
static void close_fd(int fd)
{
	if (fd >= 0)
		(void) close(fd);
}

/* Swaps in @next (taken on success); the running configuration stays on failure. */
static int apply_config(struct manager *m, struct config *next)
{
	struct config *prev = m->config;
	struct mqtt *mqtt = NULL;
	struct parts *parts = NULL;
	bool new_dir = !state_dir_same(prev->daemon.state_dir, next->daemon.state_dir);
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
		close_fd(lock_fd);
		return log_error_errno(r, "cannot set up the new configuration, keeping the "
					  "running configuration");
	}
	if (mqtt_config_differs(prev, next)) {
		if (m->mqtt_retiring) {
			parts_free(parts);
			close_fd(lock_fd);
			return log_error_errno(-EBUSY,
					       "a previous reload is still switching "
					       "brokers, keeping the running configuration");
		}
		r = mqtt_new(m->event, &next->mqtt, &mqtt_callbacks, m, &mqtt);
		if (r < 0) {
			parts_free(parts);
			close_fd(lock_fd);
			return log_error_errno(r, "cannot set up the new MQTT connection, keeping "
						  "the running configuration");
		}
	}
	/* What did not change goes on as it was: the readings, the relays, their timers. */
	parts_adopt(parts, m->parts);
	parts_stop(m->parts);
	m->parts = parts_free(m->parts);
	m->parts = parts;
	if (parts_start(m->parts, mqtt ? mqtt : m->mqtt, store_guard_get(m->store)) < 0)
		log_error("part of the new configuration did not start (see above); the rest runs");
	if (mqtt && parts_heating(m->parts))
		heating_say_broker_changed(parts_heating(m->parts), next->mqtt.host,
					   next->mqtt.port);
	m->config = next;
	apply_log_level(next);
	if (mqtt)
		(void) attach(m, mqtt);
	r = ha_announce_configure(m->ha, next, mqtt ? mqtt : m->mqtt);
	if (r < 0)
		log_warning_errno(r, "cannot update the Home Assistant entities, ignoring");
	if (new_dir) {
		struct store_guard *g = NULL;

		if (store_guard_new(m->event, next->daemon.state_dir, lock_fd, m->alerts,
				    &store_callbacks, m, &g) >= 0) {
			/*
			 * The new guard told everyone its store if it opened one; if not
			 * (yet), nobody may keep the old one, which goes now, and its
			 * directory's lock with it.
			 */
			if (!store_guard_get(g))
				on_store_changed(NULL, m);
			store_guard_free(m->store);
			m->store = g;
			/* What the person logged seems gone otherwise: say where it is. */
			log_warning("state_dir is now %s: the cramps, settings and learned model "
				    "kept in %s stay there (stop bedroomd and copy its bedroomd.db "
				    "to carry them over)",
				    next->daemon.state_dir, prev->daemon.state_dir);
		} else {
			close_fd(lock_fd); /* the old store and its lock stay */
		}
	}
	if (mqtt) {
		m->last_state = mqtt_slot_free(m->last_state); /* the old broker's */
		m->mqtt_retiring = m->mqtt;
		m->mqtt = mqtt;
		/* The new connection starts once the old one has said "offline". */
		if (mqtt_stop(m->mqtt_retiring) < 0)
			on_mqtt_stopped(m);
	} else {
		publish_changes(m);
	}
	config_free(prev);
	return 0;
}

static void reload(struct manager *m)
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
	notify_status(m);
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct manager *m = userdata;

	if (si->ssi_signo == SIGHUP) {
		/* Stopping: a new heating would switch the heaters on again after their OFF. */
		if (m->stopping)
			log_info("stopping: not reloading");
		else
			reload(m);
		return 0;
	}
	if (m->stopping)
		return 0;
	m->stopping = true;
	log_info("stopping on %s", strsignal((int) si->ssi_signo));
	(void) sd_notify(false, "STOPPING=1\nSTATUS=Stopping");
	/* Heaters off before we say offline; the subscriptions stay with the session. */
	parts_heaters_off(m->parts);
	/* The retained state must not say "heating" after the stop (bedroomctl status reads it). */
	publish_state(m);
	m->mqtt_retiring = mqtt_free(m->mqtt_retiring);
	if (mqtt_stop(m->mqtt) < 0)
		(void) sd_event_exit(m->event, 0);
	return 0;
}

static int make_cramp_log(struct manager *m)
{
	struct cramp_tracker_params p;

	cramp_tracker_params_default(&p);
	p.dedup_window_s = (int64_t) (m->config->cramps.dedup_window_usec / 1000000);
	p.message[CRAMP_ADVISORY_KIND_FREQUENCY] = m->config->cramps.frequency_message;
	p.message[CRAMP_ADVISORY_KIND_ONE_SIDED] = m->config->cramps.one_sided_message;
	p.message[CRAMP_ADVISORY_KIND_SPREAD] = m->config->cramps.spread_message;
	return cramp_log_new(m->config->daemon.node_id, &p,
			     (int64_t) (m->config->cramps.confirm_window_usec / 1000000),
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
	apply_log_level(config);
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
		r = sd_event_add_time_relative(m->event, &m->state_timer, CLOCK_MONOTONIC,
					       STATE_HOLD_USEC, STATE_HOLD_ACCURACY, on_state_timer,
					       m);
	if (r >= 0)
		r = event_source_describe(m->state_timer, "state");
	if (r >= 0)
		r = sd_event_source_set_enabled(m->state_timer, SD_EVENT_OFF);
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
				    &store_callbacks, m, &m->store);
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
	r = mqtt_new(m->event, &config->mqtt, &mqtt_callbacks, m, &m->mqtt);
	if (r >= 0)
		r = attach(m, m->mqtt);
	if (r >= 0)
		r = mqtt_subscribe_below(m->mqtt, "state", 1, on_last_state, m, &m->last_state);
	if (r >= 0)
		r = ha_announce_new(&m->ha);
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
	close_fd(lock_fd);
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
	notify_status(m);
	log_info("bedroomd %s running as '%s', base topic '%s'", BEDROOMD_VERSION,
		 m->config->daemon.node_id, m->config->mqtt.base_topic);
	r = sd_event_loop(m->event);
	if (r < 0) {
		log_error_errno(r, "event loop failed");
		return EXIT_FAILURE;
	}
	return r == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
