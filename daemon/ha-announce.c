#include "daemon/ha-announce.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-event.h>

#include "daemon/alerts.h"
#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/ha-discovery.h"
#include "daemon/log.h"
#include "store/settings.h"
#include "util/streq.h"
#include "version.h"

struct ha_announce {
	struct alerts *alerts;         /* borrowed: replayed to a Home Assistant that is back */
	struct ha_discovery *entities; /* what is announced now */
	char **removals;               /* config topics to clear once connected */
	size_t n_removals;
	struct mqtt *mqtt;
	/* Followed on mqtt, discovery on or off: the alerts are replayed on a birth. */
	char *status_topic; /* Home Assistant's birth message */
	/* Followed on mqtt while discovery is on (NULL while it is off): */
	char *sweep_topic; /* <prefix>/+/<node_id>/+/config: what the broker still holds */
	char *prefix;      /* of sweep_topic */
	char *node_id;     /* of sweep_topic */
	struct mqtt_slot *status_slot, *sweep_slot;
	struct mqtt_slot *watch; /* announces on every connect */
	uint64_t birth_usec;     /* monotonic: the last announce for a birth message */
	unsigned births_skipped; /* since then */
	bool announced;          /* every config of the configuration went out (and the removals) */
	/*
	 * Which device was announced last (prefix and node_id), kept in the store:
	 * one under another node_id or prefix (changed while bedroomd was stopped)
	 * is swept at start, as a reload removes what it no longer announces.
	 */
	struct store *store;           /* borrowed; NULL: nothing remembered, nothing swept */
	char *kept_prefix, *kept_node; /* what the store says; NULL: nothing */
	bool recalled;                 /* kept_* were read from this store */
	bool said_no_store;
	char *old_prefix, *old_node; /* the device being swept; NULL: none */
	struct mqtt_slot *old_slot;  /* <old_prefix>/+/<old_node>/+/config */
	struct mqtt *old_mqtt;       /* of old_slot */
	sd_event_source *old_window; /* ends the sweep once its configs stopped coming */
	unsigned old_removed;        /* so far */
	bool old_failed;             /* a removal failed: the next connect tries again */
};

/*
 * Birth messages closer than this make one announce: the configs are retained,
 * so a Home Assistant that comes up again within it has them from the broker,
 * and a flood of "online" (a loop in an automation) is not a flood of configs.
 */
#define BIRTH_GAP_USEC (10 * 1000000ULL)

/*
 * The old device's retained configs come at once after the subscription: this
 * long without one (connected) ends its sweep.
 */
#define OLD_WINDOW_USEC (5 * 1000000ULL)

/* The store's memory of the device announced last. */
#define KEY_PREFIX "homeassistant.announced_prefix"
#define KEY_NODE   "homeassistant.announced_node_id"

int ha_announce_new(struct store *store, struct alerts *alerts, struct ha_announce **ret)
{
	struct ha_announce *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->store = store;
	a->alerts = alerts;
	*ret = a;
	return 0;
}

static void removals_clear(struct ha_announce *a)
{
	for (size_t i = 0; i < a->n_removals; i++)
		free(a->removals[i]);
	free(a->removals);
	a->removals = NULL;
	a->n_removals = 0;
}

static void kept_clear(struct ha_announce *a)
{
	free(a->kept_prefix);
	free(a->kept_node);
	a->kept_prefix = a->kept_node = NULL;
	a->recalled = false;
}

/* Stops sweeping the old device (done, or not to be done). */
static void old_forget(struct ha_announce *a)
{
	a->old_slot = mqtt_slot_free(a->old_slot);
	a->old_window = sd_event_source_disable_unref(a->old_window);
	free(a->old_prefix);
	free(a->old_node);
	a->old_prefix = a->old_node = NULL;
	a->old_mqtt = NULL;
	a->old_removed = 0;
	a->old_failed = false;
}

struct ha_announce *ha_announce_free(struct ha_announce *a)
{
	if (!a)
		return NULL;
	ha_discovery_free(a->entities);
	removals_clear(a);
	old_forget(a);
	kept_clear(a);
	a->status_slot = mqtt_slot_free(a->status_slot);
	a->sweep_slot = mqtt_slot_free(a->sweep_slot);
	a->watch = mqtt_slot_free(a->watch);
	free(a->status_topic);
	free(a->sweep_topic);
	free(a->prefix);
	free(a->node_id);
	free(a);
	return NULL;
}

/* Forgets queued removals of topics that @d announces again. */
static void removals_drop_announced(struct ha_announce *a, const struct ha_discovery *d)
{
	size_t kept = 0;

	for (size_t i = 0; i < a->n_removals; i++) {
		if (ha_discovery_find(d, a->removals[i]))
			free(a->removals[i]);
		else
			a->removals[kept++] = a->removals[i];
	}
	a->n_removals = kept;
}

/* Queues removal of what is announced now but not in @next. */
static int removals_add_gone(struct ha_announce *a, const struct ha_discovery *next)
{
	const struct ha_discovery *now = a->entities;

	for (size_t i = 0; now && i < now->n_entities; i++) {
		char **grown, *topic;

		if (ha_discovery_find(next, now->entities[i].topic))
			continue;
		topic = strdup(now->entities[i].topic);
		grown = topic ? realloc(a->removals, (a->n_removals + 1) * sizeof(*grown)) : NULL;
		if (!grown) {
			free(topic);
			return -ENOMEM;
		}
		a->removals = grown;
		a->removals[a->n_removals++] = topic;
	}
	return 0;
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/*
 * A config the broker holds under our node_id that we no longer announce (the
 * configuration changed while bedroomd was stopped) goes, if it is ours.
 */
static void sweep(struct ha_announce *a, struct mqtt *mqtt, const char *topic, const void *payload,
		  size_t len)
{
	int r;

	if (ha_discovery_find(a->entities, topic) ||
	    !ha_discovery_is_ours(payload, len, a->node_id))
		return;
	r = mqtt_publish(mqtt, topic, "", 0, 1, true, NULL);
	if (r < 0)
		log_warning_errno(r, "cannot remove '%s' from Home Assistant", topic);
	else
		log_info("removed '%s' from Home Assistant: not configured any more", topic);
}

/* <prefix>/+/<node_id>/+/config: one of ours, or a stale one to sweep. */
static void on_config(const struct mqtt_message *msg, void *userdata)
{
	struct ha_announce *a = userdata;

	sweep(a, a->mqtt, msg->topic, msg->payload, msg->len);
}

/*
 * The store's memory of the device announced last: what is announced now, once
 * every config went out and no old device is being swept (whose memory it
 * would lose). Written when it changes.
 */
static void keep(struct ha_announce *a)
{
	const struct store_setting items[] = {
		{ KEY_PREFIX, a->prefix },
		{ KEY_NODE, a->node_id },
	};
	char *prefix, *node;
	int r;

	if (!a->announced || !a->store || a->old_node)
		return;
	if (a->recalled && streq(a->kept_prefix, a->prefix) && streq(a->kept_node, a->node_id))
		return;
	r = store_settings_set_many(a->store, items, 2);
	if (r < 0) {
		log_warning_errno(r,
				  "cannot keep which Home Assistant device is announced, ignoring");
		return;
	}
	prefix = strdup(a->prefix);
	node = strdup(a->node_id);
	kept_clear(a); /* read again on failure */
	if (prefix && node) {
		a->kept_prefix = prefix;
		a->kept_node = node;
		a->recalled = true;
		prefix = node = NULL;
	}
	free(prefix);
	free(node);
}

/* "entities of the old Home Assistant device 'rv' (node_id changed to 'rv2')" */
static void old_say_done(const struct ha_announce *a)
{
	bool node = !streq(a->old_node, a->node_id), prefix = !streq(a->old_prefix, a->prefix);
	char what[64];

	if (a->old_removed == 0) {
		log_debug("the broker holds no config of the old Home Assistant device '%s' under "
			  "'%s'",
			  a->old_node, a->old_prefix);
		return;
	}
	snprintf(what, sizeof(what), "%u entit%s", a->old_removed,
		 a->old_removed == 1 ? "y" : "ies");
	if (node && prefix)
		log_info("removed %s of the old Home Assistant device '%s' under '%s' (node_id "
			 "changed to '%s', discovery_prefix to '%s')",
			 what, a->old_node, a->old_prefix, a->node_id, a->prefix);
	else if (node)
		log_info("removed %s of the old Home Assistant device '%s' (node_id changed to "
			 "'%s')",
			 what, a->old_node, a->node_id);
	else
		log_info("removed %s of the Home Assistant device '%s' under the old "
			 "discovery_prefix '%s' (changed to '%s')",
			 what, a->old_node, a->old_prefix, a->prefix);
}

/*
 * The old device's configs stopped coming: its sweep is done, and what is
 * announced now is what the store keeps. Not while disconnected, or after a
 * removal failed: the next connect subscribes again and the broker sends what
 * is left.
 */
static int on_old_window(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct ha_announce *a = userdata;

	(void) s;
	(void) usec;
	if (!a->old_node || a->old_failed || !mqtt_is_connected(a->old_mqtt))
		return 0;
	old_say_done(a);
	old_forget(a);
	keep(a);
	return 0;
}

/* Arms (again) the end of the old device's sweep, OLD_WINDOW_USEC from now. */
static void old_window_arm(struct ha_announce *a)
{
	int r = 0;

	if (!a->old_mqtt)
		return;
	if (!a->old_window) {
		r = sd_event_add_time_relative(mqtt_get_event(a->old_mqtt), &a->old_window,
					       CLOCK_MONOTONIC, OLD_WINDOW_USEC, 0, on_old_window,
					       a);
		if (r >= 0)
			r = event_source_describe(a->old_window, "ha-old-device");
	}
	if (r >= 0)
		r = sd_event_source_set_time_relative(a->old_window, OLD_WINDOW_USEC);
	if (r >= 0)
		r = sd_event_source_set_enabled(a->old_window, SD_EVENT_ONESHOT);
	if (r < 0)
		log_warning_errno(r,
				  "cannot time the sweep of the old Home Assistant device '%s', "
				  "ignoring",
				  a->old_node);
}

/*
 * <old prefix>/+/<old node>/+/config: a config of the device announced
 * before a change of node_id or discovery prefix goes, if it is ours.
 */
static void on_old_config(const struct mqtt_message *msg, void *userdata)
{
	struct ha_announce *a = userdata;
	int r;

	if (ha_discovery_find(a->entities, msg->topic) ||
	    !ha_discovery_is_ours(msg->payload, msg->len, a->old_node))
		return;
	r = mqtt_publish(a->old_mqtt, msg->topic, "", 0, 1, true, NULL);
	if (r < 0) {
		log_warning_errno(r, "cannot remove '%s' from Home Assistant", msg->topic);
		a->old_failed = true;
	} else {
		log_debug("removed '%s' from Home Assistant: of the old device", msg->topic);
		a->old_removed++;
	}
	old_window_arm(a);
}

/* Subscribes to the old device's configs on the connection in use (again after a reload). */
static int old_follow(struct ha_announce *a)
{
	struct mqtt_slot *slot = NULL;
	char *filter = NULL;
	int r;

	if (!a->old_node || (a->old_slot && a->old_mqtt == a->mqtt))
		return 0;
	if (asprintf(&filter, "%s/+/%s/+/config", a->old_prefix, a->old_node) < 0)
		return -ENOMEM;
	/* QoS 0, as the sweep of our own node: retained configs need no queueing. */
	r = mqtt_subscribe(a->mqtt, filter, 0, on_old_config, a, &slot);
	free(filter);
	if (r < 0)
		return r;
	a->old_slot = mqtt_slot_free(a->old_slot);
	a->old_window = sd_event_source_disable_unref(a->old_window); /* the old connection's */
	a->old_slot = slot;
	a->old_mqtt = a->mqtt;
	if (mqtt_is_connected(a->mqtt))
		old_window_arm(a); /* the broker sends the retained configs now */
	return 0;
}

/* Starts sweeping the device announced last as @node under @prefix. */
static void old_start(struct ha_announce *a, const char *prefix, const char *node)
{
	int r = -ENOMEM;

	a->old_prefix = strdup(prefix);
	a->old_node = strdup(node);
	if (a->old_prefix && a->old_node)
		r = old_follow(a);
	if (r < 0) {
		log_warning_errno(r,
				  "cannot look for the old Home Assistant device '%s' under "
				  "'%s', ignoring",
				  node, prefix);
		old_forget(a);
		return;
	}
	log_debug("the Home Assistant device announced last was '%s' under '%s': removing its "
		  "configs",
		  node, prefix);
}

/*
 * Reads which device was announced last, once a store (with discovery on):
 * when it is not the one announced now (node_id or discovery_prefix changed
 * while bedroomd was stopped), its configs are swept. Not while a sweep runs.
 */
static void recall(struct ha_announce *a)
{
	char *prefix = NULL, *node = NULL;
	int r;

	if (a->recalled || !a->node_id || a->old_node)
		return;
	if (!a->store) {
		if (!a->said_no_store)
			log_debug("no store: the Home Assistant device announced is not kept, and "
				  "one announced under another node_id or discovery_prefix is not "
				  "removed");
		a->said_no_store = true;
		return;
	}
	r = store_setting_get(a->store, KEY_PREFIX, &prefix);
	if (r >= 0)
		r = store_setting_get(a->store, KEY_NODE, &node);
	if (r < 0 && r != -ENOENT) {
		log_warning_errno(r, "cannot read which Home Assistant device was announced last, "
				     "ignoring");
		free(prefix);
		free(node);
		return;
	}
	a->recalled = true;
	a->kept_prefix = prefix;
	a->kept_node = node;
	if (prefix && node && (!streq(prefix, a->prefix) || !streq(node, a->node_id)))
		old_start(a, prefix, node);
}

/* Keeps what is announced now, once the store's memory was read (and swept). */
static void remember(struct ha_announce *a)
{
	recall(a); /* a new store's memory first: it may hold an old device */
	if (a->recalled)
		keep(a);
}

/* Home Assistant's birth message: it has just (re)started and forgot us. */
static void on_status(const struct mqtt_message *msg, void *userdata)
{
	struct ha_announce *a = userdata;

	uint64_t now = clock_monotonic_usec();

	if (msg->len != 6 || memcmp(msg->payload, "online", 6) != 0)
		return;
	if (a->birth_usec && now - a->birth_usec < BIRTH_GAP_USEC) {
		a->births_skipped++;
		log_debug("Home Assistant is online again (%u since the last announce, %.1f s "
			  "ago): its retained configs stand",
			  a->births_skipped, (double) (now - a->birth_usec) / 1e6);
		return;
	}
	a->birth_usec = now;
	a->births_skipped = 0;
	log_debug("Home Assistant is online%s", a->node_id ? ", announcing again" : "");
	(void) ha_announce_publish(a, a->mqtt); /* nothing with discovery off */
	/*
	 * Its events while it was away are lost (a clean session). Not for a
	 * retained "online": the broker sends that on every subscribe of ours, a
	 * reconnect of bedroomd, not a Home Assistant that is back.
	 */
	if (a->alerts && !msg->retained) {
		int r = alerts_replay(a->alerts, clock_monotonic_usec());

		if (r < 0)
			log_warning_errno(r,
					  "cannot replay the alerts to Home Assistant, ignoring");
		else if (r > 0)
			log_debug("replayed %d alert event%s to Home Assistant", r,
				  r == 1 ? "" : "s");
	}
}

static void on_connected(struct mqtt *mqtt, void *userdata)
{
	struct ha_announce *a = userdata;

	a->old_failed = false; /* subscribed again: the broker sends what is left of it */
	(void) ha_announce_publish(a, mqtt);
}

static const struct mqtt_watch_callbacks watch_callbacks = {
	.connected = on_connected,
};

/*
 * Follows Home Assistant's status topic of @c on @mqtt, and with @discovery our
 * configs the broker holds (and every connect, to announce). The status topic
 * is followed with discovery off too: its birth message replays the alerts to
 * automations on <base>/event/alert, which lose them as well while Home
 * Assistant restarts. QoS 0: the sweep also hears our own configs echoed, and
 * unacknowledged QoS 1 deliveries would take the broker's in-flight window from
 * the commands (cramps) that need it. Neither topic needs queueing while we
 * are away.
 */
static int follow(struct ha_announce *a, struct mqtt *mqtt, const struct config *c, bool discovery)
{
	char *status = NULL, *sweep = NULL, *prefix = NULL, *node = NULL;
	struct mqtt_slot *status_slot = NULL, *sweep_slot = NULL, *watch = NULL;
	int r = 0;

	if (!(status = strdup(c->homeassistant.status_topic)) ||
	    (discovery && (!(prefix = strdup(c->homeassistant.discovery_prefix)) ||
			   !(node = strdup(c->daemon.node_id)) ||
			   asprintf(&sweep, "%s/+/%s/+/config", prefix, node) < 0))) {
		sweep = NULL;
		r = -ENOMEM;
		goto out;
	}
	if (mqtt == a->mqtt && streq_null(status, a->status_topic) &&
	    streq_null(sweep, a->sweep_topic))
		goto out;
	r = mqtt_subscribe(mqtt, status, 0, on_status, a, &status_slot);
	if (r >= 0 && discovery)
		r = mqtt_watch(mqtt, &watch_callbacks, a, &watch);
	if (r >= 0 && discovery)
		r = mqtt_subscribe(mqtt, sweep, 0, on_config, a, &sweep_slot);
	if (r < 0)
		goto out;
	a->status_slot = mqtt_slot_free(a->status_slot);
	a->sweep_slot = mqtt_slot_free(a->sweep_slot);
	a->watch = mqtt_slot_free(a->watch);
	a->status_slot = status_slot;
	a->sweep_slot = sweep_slot;
	a->watch = watch;
	status_slot = sweep_slot = watch = NULL;
	a->mqtt = mqtt;
	free(a->status_topic);
	free(a->sweep_topic);
	free(a->prefix);
	free(a->node_id);
	a->status_topic = status;
	a->sweep_topic = sweep;
	a->prefix = prefix;
	a->node_id = node;
	return 0;
out:
	mqtt_slot_free(status_slot);
	mqtt_slot_free(sweep_slot);
	mqtt_slot_free(watch);
	free(status);
	free(sweep);
	free(prefix);
	free(node);
	return r;
}

int ha_announce_configure(struct ha_announce *a, const struct config *c, struct mqtt *mqtt)
{
	const struct config_homeassistant *ha = &c->homeassistant;
	struct ha_discovery *next = NULL;
	int r;

	r = ha_discovery_build(c, BEDROOMD_VERSION, &next);
	if (r < 0)
		return r;
	for (size_t i = 0; ha->discovery && i < next->n_left_out; i++)
		log_warning("Home Assistant: leaving out %s; the rest is announced",
			    next->left_out[i]);
	if (ha->discovery) {
		removals_drop_announced(a, next);
		r = removals_add_gone(a, next);
	} else {
		/* Off means hands off: what Home Assistant has stays as it is. */
		removals_clear(a);
	}
	if (r >= 0)
		r = follow(a, mqtt, c, ha->discovery);
	if (r < 0) {
		ha_discovery_free(next);
		return r;
	}
	ha_discovery_free(a->entities);
	a->entities = next;
	a->announced = false;
	/* Off: hands off the old device too. The same as announced now: nothing to sweep. */
	if (!a->node_id || (streq(a->old_prefix, a->prefix) && streq(a->old_node, a->node_id)))
		old_forget(a);
	/*
	 * Off, the store still remembers the device announced last, and no reload
	 * removes it any more (what is announced is forgotten): turned on again,
	 * under another node_id or prefix, the store is read again and that
	 * device swept, as at a start.
	 */
	if (!a->node_id)
		kept_clear(a);
	r = old_follow(a); /* on a new connection */
	if (r < 0) {
		log_warning_errno(r, "cannot look for the old Home Assistant device '%s', ignoring",
				  a->old_node);
		old_forget(a);
	}
	recall(a);
	(void) ha_announce_publish(a, mqtt); /* logs; what failed goes out on the next connect */
	return 0;
}

void ha_announce_set_store(struct ha_announce *a, struct store *store)
{
	a->store = store;
	kept_clear(a);
	remember(a); /* a store that opened late keeps what went out before */
}

int ha_announce_publish(struct ha_announce *a, struct mqtt *mqtt)
{
	const struct ha_discovery *d = a->entities;
	int r = 0;

	if (!mqtt_is_connected(mqtt))
		return 0;
	while (a->n_removals > 0) {
		r = mqtt_publish(mqtt, a->removals[0], "", 0, 1, true, NULL);
		if (r < 0)
			return log_warning_errno(r, "cannot remove '%s' from Home Assistant",
						 a->removals[0]);
		log_debug("removed '%s' from Home Assistant", a->removals[0]);
		free(a->removals[0]);
		memmove(a->removals, a->removals + 1, (a->n_removals - 1) * sizeof(a->removals[0]));
		a->n_removals--;
	}
	for (size_t i = 0; d && i < d->n_entities; i++) {
		r = mqtt_publish(mqtt, d->entities[i].topic, d->entities[i].payload,
				 strlen(d->entities[i].payload), 1, true, NULL);
		if (r < 0)
			return log_warning_errno(r, "cannot announce '%s' to Home Assistant",
						 d->entities[i].topic);
	}
	if (d && d->n_entities > 0)
		log_debug("announced %zu entities to Home Assistant", d->n_entities);
	a->announced = a->node_id != NULL;
	if (a->old_node && a->old_mqtt == mqtt)
		old_window_arm(a); /* the old device's configs come after ours */
	remember(a);
	return 0;
}
