/* The alerts one run leaves active, for the next: see alerts-carry.h. */
#include "daemon/alerts-carry.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "store/settings.h"
#include "store/store.h"

/* The store key of the active alerts, for the next run. */
#define ALERTS_KEY "alerts.active"

void alerts_carry_keep(struct alerts *a, struct store *store)
{
	char *text;
	int r;

	if (!store)
		return;
	text = alerts_active_text(a);
	r = text ? store_setting_set(store, ALERTS_KEY, text) : -ENOMEM;
	if (r < 0)
		log_warning("cannot keep the active alerts in the store for the next start: %s",
			    store_strerror(r));
	free(text);
}

/* Takes the list @text (NULL: out of memory), read from @where, and says so. */
static void take(struct alerts *a, const char *text, const char *where, const char *found,
		 alerts_recheck_fn recheck, void *userdata)
{
	int r = text ? alerts_restore(a, text, recheck, userdata) : -ENOMEM;

	if (r < 0)
		log_warning_errno(r, "cannot take %s, ignoring", where);
	else if (r > 0)
		log_info("%d alert%s %s: each is cleared unless seen again within the time its "
			 "check takes",
			 r, r == 1 ? "" : "s", found);
}

void alerts_carry_from_store(struct alerts *a, struct store *store, alerts_recheck_fn recheck,
			     void *userdata)
{
	char *text = NULL;

	if (!store || store_setting_get(store, ALERTS_KEY, &text) < 0)
		return;
	take(a, text, "the alerts the last run left active", "left active by the last run", recheck,
	     userdata);
	free(text);
}

void alerts_carry_from_state(struct alerts *a, const void *payload, size_t len, const char *started,
			     alerts_recheck_fn recheck, void *userdata)
{
	json_t *root = json_loadb(payload, len, 0, NULL);
	json_t *alerts = json_object_get(root, "alerts");
	const char *was = json_string_value(json_object_get(root, "started"));

	if (json_is_array(alerts) && json_array_size(alerts) > 0 &&
	    !(was && strcmp(was, started) == 0)) {
		char *text = json_dumps(alerts, JSON_COMPACT);

		take(a, text, "the alerts of the last run's state",
		     "of the last run's state not kept in the store", recheck, userdata);
		free(text);
	}
	json_decref(root);
}
