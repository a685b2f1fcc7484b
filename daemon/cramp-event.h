#pragma once

#include <jansson.h>

/*
 * A cramp as its consumers read it: the <base>/event/cramp event, and each
 * cramp of `bedroomctl report --format json`, from one place.
 */

struct store_cramp;

/*
 * The event of @c (a new reference, NULL when out of memory): its id, time,
 * leg, site, note, source, whether suspected, confirming or amended, its
 * 7-day count and the context of its night.
 */
json_t *cramp_event_json(const struct store_cramp *c);
