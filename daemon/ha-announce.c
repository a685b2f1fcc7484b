#include "daemon/ha-announce.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/clock.h"
#include "daemon/ha-discovery.h"
#include "daemon/log.h"
#include "version.h"

struct ha_announce {
	struct ha_discovery *entities; /* what is announced now */
	char **removals;               /* config topics to clear once connected */
	size_t n_removals;
	/* Followed on mqtt while discovery is on: */
	struct mqtt *mqtt;
	char *status_topic; /* Home Assistant's birth message */
	char *sweep_topic;  /* <prefix>/+/<node_id>/+/config: what the broker still holds */
	char *node_id;      /* of sweep_topic */
	struct mqtt_slot *status_slot, *sweep_slot;
	struct mqtt_slot *watch; /* announces on every connect */
	uint64_t birth_usec;     /* monotonic: the last announce for a birth message */
	unsigned births_skipped; /* since then */
};

/*
 * Birth messages closer than this make one announce: the configs are retained,
 * so a Home Assistant that comes up again within it has them from the broker,
 * and a flood of "online" (a loop in an automation) is not a flood of configs.
 */
#define BIRTH_GAP_USEC (10 * 1000000ULL)

/* Configs above this are not ours: bedroomd's are a few hundred bytes. */
#define CONFIG_MAX 16384

int ha_announce_new(struct ha_announce **ret)
{
	struct ha_announce *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
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

struct ha_announce *ha_announce_free(struct ha_announce *a)
{
	if (!a)
		return NULL;
	ha_discovery_free(a->entities);
	removals_clear(a);
	a->status_slot = mqtt_slot_free(a->status_slot);
	a->sweep_slot = mqtt_slot_free(a->sweep_slot);
	a->watch = mqtt_slot_free(a->watch);
	free(a->status_topic);
	free(a->sweep_topic);
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
 * configuration changed while bedroomd was stopped) goes, if it is ours: the
 * node_id may be shared with another device's discovery (ESPHome uses names).
 */
static void sweep(struct ha_announce *a, struct mqtt *mqtt, const char *topic, const void *payload,
		  size_t len)
{
	char ours[96];
	const char *uid;
	json_t *config;
	int r;

	if (len == 0 || len > CONFIG_MAX || ha_discovery_find(a->entities, topic))
		return;
	config = json_loadb(payload, len, 0, NULL);
	uid = json_string_value(json_object_get(config, "unique_id"));
	if (!uid)
		uid = json_string_value(json_object_get(config, "uniq_id"));
	snprintf(ours, sizeof(ours), "bedroomd_%s_", a->node_id);
	if (uid && strncmp(uid, ours, strlen(ours)) == 0) {
		r = mqtt_publish(mqtt, topic, "", 0, 1, true, NULL);
		if (r < 0)
			log_warning_errno(r, "cannot remove '%s' from Home Assistant", topic);
		else
			log_info("removed '%s' from Home Assistant: not configured any more",
				 topic);
	}
	json_decref(config);
}

/* <prefix>/+/<node_id>/+/config: one of ours, or a stale one to sweep. */
static void on_config(const struct mqtt_message *msg, void *userdata)
{
	struct ha_announce *a = userdata;

	sweep(a, a->mqtt, msg->topic, msg->payload, msg->len);
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
	log_debug("Home Assistant is online, announcing again");
	(void) ha_announce_publish(a, a->mqtt);
}

static void on_connected(struct mqtt *mqtt, void *userdata)
{
	(void) ha_announce_publish(userdata, mqtt);
}

static const struct mqtt_watch_callbacks watch_callbacks = {
	.connected = on_connected,
};

/*
 * Follows Home Assistant's status topic and our configs the broker holds, on
 * @mqtt; @c NULL follows nothing. QoS 0: the sweep also hears our own configs
 * echoed, and unacknowledged QoS 1 deliveries would take the broker's
 * in-flight window from the commands (cramps) that need it. Neither topic
 * needs queueing while we are away.
 */
static int follow(struct ha_announce *a, struct mqtt *mqtt, const struct config *c)
{
	char *status = NULL, *sweep = NULL, *node = NULL;
	struct mqtt_slot *status_slot = NULL, *sweep_slot = NULL, *watch = NULL;
	int r = 0;

	if (c &&
	    (!(status = strdup(c->homeassistant.status_topic)) ||
	     !(node = strdup(c->daemon.node_id)) ||
	     asprintf(&sweep, "%s/+/%s/+/config", c->homeassistant.discovery_prefix, node) < 0)) {
		sweep = NULL;
		r = -ENOMEM;
		goto out;
	}
	if (mqtt == a->mqtt && streq(status, a->status_topic) && streq(sweep, a->sweep_topic))
		goto out;
	if (status) {
		r = mqtt_watch(mqtt, &watch_callbacks, a, &watch);
		if (r >= 0)
			r = mqtt_subscribe(mqtt, status, 0, on_status, a, &status_slot);
		if (r >= 0)
			r = mqtt_subscribe(mqtt, sweep, 0, on_config, a, &sweep_slot);
		if (r < 0)
			goto out;
	}
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
	free(a->node_id);
	a->status_topic = status;
	a->sweep_topic = sweep;
	a->node_id = node;
	return 0;
out:
	mqtt_slot_free(status_slot);
	mqtt_slot_free(sweep_slot);
	mqtt_slot_free(watch);
	free(status);
	free(sweep);
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
	if (ha->discovery) {
		removals_drop_announced(a, next);
		r = removals_add_gone(a, next);
	} else {
		/* Off means hands off: what Home Assistant has stays as it is. */
		removals_clear(a);
	}
	if (r >= 0)
		r = follow(a, mqtt, ha->discovery ? c : NULL);
	if (r < 0) {
		ha_discovery_free(next);
		return r;
	}
	ha_discovery_free(a->entities);
	a->entities = next;
	(void) ha_announce_publish(a, mqtt); /* logs; what failed goes out on the next connect */
	return 0;
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
	return 0;
}
