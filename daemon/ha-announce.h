#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "daemon/mqtt.h"

/*
 * Announces bedroomd to Home Assistant: publishes the retained discovery
 * configs that daemon/ha-discovery.c builds on every connect, whenever Home
 * Assistant's status topic says "online", and on a reload, where entities
 * the new configuration no longer has are removed (an empty retained config).
 * Configs of ours that the broker still holds from an earlier configuration
 * (changed while bedroomd was stopped) are removed too; only those whose
 * unique_id and device are bedroomd's, so another device sharing the node_id
 * is safe. Which device it announced (node_id and discovery prefix) is kept in
 * the store: one announced before a change of either while bedroomd was
 * stopped is removed the same way at start, and so is one announced before
 * discovery was turned off and on again by reloads. Home Assistant's birth
 * message also replays the alerts it may have missed (alerts_replay()), with
 * discovery on or off: automations of one's own on <base>/event/alert miss
 * them just the same while it restarts.
 */

struct alerts;
struct ha_announce;
struct store;

/*
 * A new announcer that announces nothing yet, keeping which device it announced
 * in @store (borrowed; NULL: none, see ha_announce_set_store()), and replaying
 * @alerts (borrowed, must outlive it; NULL: none) to Home Assistant when it is
 * back. Returns 0 or -ENOMEM.
 */
int ha_announce_new(struct store *store, struct alerts *alerts, struct ha_announce **ret);

/* Frees @a; publishes nothing (the broker keeps the retained configs). Accepts NULL. */
struct ha_announce *ha_announce_free(struct ha_announce *a);

/*
 * Takes the entities of @c (copied; @c may go afterwards): with discovery on,
 * those of the previous configuration that are gone are queued for removal;
 * with it off, nothing is announced or removed. Follows Home Assistant's
 * status topic on @mqtt, discovery on or off (its birth message replays the
 * alerts, and re-announces with discovery on), and with discovery on announces
 * on every connect of @mqtt: at once when it is connected. Returns 0 or a
 * negative errno; on failure the previous entities stay.
 */
int ha_announce_configure(struct ha_announce *a, const struct config *c, struct mqtt *mqtt);

/*
 * The store to keep the device announced in from now on (borrowed until the
 * next call or ha_announce_free(); NULL: none, nothing kept or swept). A store
 * that remembers another device than the one announced now has it swept.
 */
void ha_announce_set_store(struct ha_announce *a, struct store *store);

/* Publishes the queued removals, then every config. Returns 0 or a negative errno. */
int ha_announce_publish(struct ha_announce *a, struct mqtt *mqtt);
