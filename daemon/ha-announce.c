#include "daemon/ha-announce.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ha-discovery.h"
#include "daemon/log.h"
#include "version.h"

struct ha_announce {
	struct ha_discovery *entities; /* what is announced now */
	char **removals;               /* config topics to clear once connected */
	size_t n_removals;
	/* Subscribed on status_mqtt while discovery is on: */
	char *status_topic; /* Home Assistant's birth message */
	char *sweep_topic;  /* <prefix>/+/<node_id>/+/config: what the broker still holds */
	struct mqtt *status_mqtt;
	char *prefix, *node_id; /* of sweep_topic */
};

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
 * QoS 0: the sweep also hears our own configs echoed, and unacknowledged QoS 1
 * deliveries would take the broker's in-flight window from the commands
 * (cramps) that need it. Neither topic needs queueing while we are away.
 */
static int subscribe(struct mqtt *mqtt, const char *topic)
{
	int r = mqtt_subscribe(mqtt, topic, 0);

	return r == -ENOTCONN ? 0 : r; /* subscribed on connect */
}

/*
 * Follows Home Assistant's status topic and our configs the broker holds, on
 * @mqtt; @c NULL follows nothing.
 */
static int follow(struct ha_announce *a, struct mqtt *mqtt, const struct config *c)
{
	char *status = NULL, *sweep = NULL, *prefix = NULL, *node = NULL;
	int r = 0;

	if (c && (!(status = strdup(c->homeassistant.status_topic)) ||
		  !(prefix = strdup(c->homeassistant.discovery_prefix)) ||
		  !(node = strdup(c->daemon.node_id)) ||
		  asprintf(&sweep, "%s/+/%s/+/config", prefix, node) < 0)) {
		sweep = NULL;
		r = -ENOMEM;
		goto out;
	}
	if (mqtt == a->status_mqtt && streq(status, a->status_topic) &&
	    streq(sweep, a->sweep_topic))
		goto out;
	/* -ENOENT on a new client: nothing to undo there. */
	if (a->status_topic)
		(void) mqtt_unsubscribe(mqtt, a->status_topic);
	if (a->sweep_topic)
		(void) mqtt_unsubscribe(mqtt, a->sweep_topic);
	if (status)
		r = subscribe(mqtt, status);
	if (r >= 0 && sweep)
		r = subscribe(mqtt, sweep);
	a->status_mqtt = mqtt;
	free(a->status_topic);
	free(a->sweep_topic);
	free(a->prefix);
	free(a->node_id);
	a->status_topic = status;
	a->sweep_topic = sweep;
	a->prefix = prefix;
	a->node_id = node;
	return r;
out:
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

/* Whether @topic is <prefix>/<component>/<node_id>/<object>/config. */
static bool is_config_topic(const struct ha_announce *a, const char *topic)
{
	size_t n = strlen(a->prefix);
	const char *p, *slash;

	if (strncmp(topic, a->prefix, n) != 0 || topic[n] != '/')
		return false;
	p = topic + n + 1;
	slash = strchr(p, '/');
	if (!slash || slash == p)
		return false;
	p = slash + 1;
	n = strlen(a->node_id);
	if (strncmp(p, a->node_id, n) != 0 || p[n] != '/')
		return false;
	p += n + 1;
	slash = strchr(p, '/');
	return slash && slash != p && strcmp(slash, "/config") == 0;
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

bool ha_announce_handle_message(struct ha_announce *a, struct mqtt *mqtt, const char *topic,
				const void *payload, size_t len)
{
	if (a->sweep_topic && is_config_topic(a, topic)) {
		sweep(a, mqtt, topic, payload, len);
		return true;
	}
	if (!a->status_topic || strcmp(topic, a->status_topic) != 0)
		return false;
	/* Home Assistant's birth message: it has just (re)started and forgot us. */
	if (len == 6 && memcmp(payload, "online", 6) == 0) {
		log_debug("Home Assistant is online, announcing again");
		(void) ha_announce_publish(a, mqtt);
	}
	return true;
}
