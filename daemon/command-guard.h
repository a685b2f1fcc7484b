#pragma once

#include <stdbool.h>

#include "daemon/mqtt.h"
#include "daemon/warn-limit.h"

/*
 * What no command topic under <base> obeys: a retained message, which the
 * broker sends again at every subscribe (every start and reconnect) and which
 * would so undo whatever was set since; and an empty one, which is what
 * clearing a retained message (mosquitto_pub -r -n) sends to subscribers.
 * Each is said once for a topic (@g, one per topic), then at debug level: a
 * retained message comes again at every reconnect.
 */
struct command_guard {
	bool retained_said; /* since the last message that was neither */
	bool empty_said;
};

/*
 * True when @msg is no command: retained (a warning through @warn that says
 * how to clear it) or empty (an info line; @hint, or NULL, says what the topic
 * wants instead). False for any other message, which makes both said anew.
 */
bool command_guard_refuses(struct command_guard *g, struct warn_limit *warn,
			   const struct mqtt_message *msg, const char *hint);
