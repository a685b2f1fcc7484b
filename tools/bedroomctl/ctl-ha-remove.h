#pragma once

#include <stdbool.h>

#include "config/config.h"

/*
 * bedroomctl ha-remove: takes the device of @config (bedroomd_<node_id>)
 * out of Home Assistant, for someone who stops using bedroomd. Every
 * discovery config of it retained under <discovery_prefix>/+/<node_id>/+/
 * config (what this bedroomd announced, and what an older one left) is
 * replaced with an empty retained message; what it removed is printed on
 * standard output. With @dry_run, only listed. Gives up after @timeout_ms.
 * Returns the exit status: 0, or 69 (EX_UNAVAILABLE) when the broker cannot
 * be reached (said on standard error), or 70 (out of memory).
 */
int ctl_ha_remove(const struct config *config, bool dry_run, int timeout_ms);
