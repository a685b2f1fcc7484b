#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

/*
 * Home Assistant MQTT discovery, as data: which entities a configuration gives
 * (one device, its climate, sensors, binary sensors, buttons and events) and
 * the retained config each is announced with. Pure: no I/O, no clock, no
 * logging; the daemon publishes what this builds (daemon/ha-announce.c), and
 * logs what it left out.
 */

struct ha_entity {
	char *object;  /* "floor", "cramp_left", ...: unique within the device */
	char *topic;   /* <discovery_prefix>/<component>/<node_id>/<object>/config */
	char *payload; /* the config, compact JSON */
};

struct ha_discovery {
	struct ha_entity *entities;
	size_t n_entities;
	/*
	 * The entities whose config could not be built, not announced: "the
	 * sensor 'reminder_x_next': Invalid UTF-8 string", one each, for the log.
	 */
	char **left_out;
	size_t n_left_out;
};

/*
 * Builds the entities of @c (whose defaults are applied) for a bedroomd of
 * @version. With discovery off the list is empty. An entity whose config
 * cannot be built (text jansson refuses, no memory for it) is left out and
 * said in left_out, never the whole list: Home Assistant's entities must not
 * keep the daemon from starting. Returns 0 and a new list in *ret (free with
 * ha_discovery_free()), or -ENOMEM when there is no memory for the list
 * itself.
 */
int ha_discovery_build(const struct config *c, const char *version, struct ha_discovery **ret);

/* Frees @d and everything it owns; accepts NULL; returns NULL. */
struct ha_discovery *ha_discovery_free(struct ha_discovery *d);

/* The entity announced on @topic, or NULL; @d may be NULL. */
const struct ha_entity *ha_discovery_find(const struct ha_discovery *d, const char *topic);

/*
 * Whether the retained config @payload (@len bytes) is one bedroomd announced
 * for the device of @node_id: its unique_id is bedroomd_<node_id>_<object> and
 * its device bedroomd_<node_id>. A node_id may be shared with another device's
 * discovery (ESPHome uses names): that one's configs are not ours.
 */
bool ha_discovery_is_ours(const void *payload, size_t len, const char *node_id);
