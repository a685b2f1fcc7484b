/* bedroomctl ha-remove: see ctl-ha-remove.h. */
#include "tools/bedroomctl/ctl-ha-remove.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config-escape.h"
#include "daemon/ha-discovery.h"
#include "tools/bedroomctl/ctl-mqtt.h"

#define EXIT_UNAVAILABLE 69
#define EXIT_SOFTWARE    70
#define QUIET_MS         1000 /* the retained configs come at once: a second of none ends it */

/* A discovery config bedroomd announced for the node_id @arg (as the daemon's sweep judges). */
static bool of_device(const char *topic, const char *payload, void *arg)
{
	(void) topic;
	return ha_discovery_is_ours(payload, strlen(payload), arg);
}

int ctl_ha_remove(const struct config *config, bool dry_run, int timeout_ms)
{
	const struct config_mqtt *m = &config->mqtt;
	char *filter = NULL, *device = NULL, **topics = NULL;
	const char *error = NULL;
	size_t n = 0;
	int r;

	if (asprintf(&filter, "%s/+/%s/+/config", config->homeassistant.discovery_prefix,
		     config->daemon.node_id) < 0)
		filter = NULL;
	if (asprintf(&device, "bedroomd_%s", config->daemon.node_id) < 0)
		device = NULL;
	if (!filter || !device) {
		r = EXIT_SOFTWARE;
		goto out;
	}
	r = ctl_mqtt_clear_retained(m, filter, of_device, config->daemon.node_id, dry_run, QUIET_MS,
				    timeout_ms, &topics, &n, &error);
	if (r < 0) {
		ctl_mqtt_say_failure(m, error, r, "; nothing removed");
		r = EXIT_UNAVAILABLE;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		/* Topics from the broker: shown escaped, as all text from outside is. */
		char *shown = config_escape(topics[i]);

		printf("%s %s\n", dry_run ? "would remove" : "removed", shown ? shown : "?");
		free(shown);
	}
	if (n == 0)
		printf("Home Assistant has no entity of device '%s' on %s:%d.\n", device, m->host,
		       m->port);
	else
		printf("%s %zu entit%s of device '%s' from Home Assistant.\n",
		       dry_run ? "Would remove" : "Removed", n, n == 1 ? "y" : "ies", device);
	r = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(topics[i]);
	free(topics);
	free(filter);
	free(device);
	return r;
}
