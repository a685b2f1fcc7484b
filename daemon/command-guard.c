#include "daemon/command-guard.h"

#include <assert.h>

#include "daemon/log.h"

static void retained(struct command_guard *g, struct warn_limit *warn, const char *topic)
{
	if (g->retained_said) {
		log_debug("ignoring the retained message on '%s' again", topic);
		return;
	}
	g->retained_said = true;
	warn_limited(warn,
		     "ignoring a retained message on '%s': commands must not be retained (clear "
		     "it: mosquitto_pub -r -n -t '%s')",
		     topic, topic);
}

static void empty(struct command_guard *g, const char *topic, const char *hint)
{
	if (g->empty_said) {
		log_debug("ignoring an empty message on '%s' again", topic);
		return;
	}
	g->empty_said = true;
	log_info("ignoring an empty message on '%s' (a retained message being cleared?)%s%s", topic,
		 hint ? "; " : "", hint ? hint : "");
}

bool command_guard_refuses(struct command_guard *g, struct warn_limit *warn,
			   const struct mqtt_message *msg, const char *hint)
{
	assert(g);
	assert(warn);
	assert(msg);
	if (msg->retained) {
		retained(g, warn, msg->topic);
		return true;
	}
	if (msg->len == 0) {
		empty(g, msg->topic, hint);
		return true;
	}
	*g = (struct command_guard){ 0 };
	return false;
}
