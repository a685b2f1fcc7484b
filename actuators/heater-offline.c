/*
 * One heater's heater_offline (see heater.h): a bucket that offline time
 * fills and online time empties, so a plug's blip raises no alert, and what
 * the plug said that made it offline, kept for the journal.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "actuators/heater-internal.h"

/* Fills or empties the bucket up to @now_usec; it stands still while the broker is away. */
void heater_bucket_update(struct heater *h, uint64_t now_usec)
{
	uint64_t dt = heater_usec_since(now_usec, h->bucket_at_usec);

	if (h->connected && h->availability == HEATER_AVAILABILITY_OFFLINE)
		h->bucket_usec =
		    heater_usec_min(heater_usec_add(h->bucket_usec, dt), HEATER_OFFLINE_GRACE_USEC);
	else if (h->connected)
		h->bucket_usec -= heater_usec_min(dt, h->bucket_usec);
	h->bucket_at_usec = now_usec;
}

/* heater_offline by the bucket, after heater_bucket_update(): raised full, cleared empty. */
void heater_offline_alert(struct heater *h)
{
	bool offline = h->availability == HEATER_AVAILABILITY_OFFLINE;

	if (!h->connected)
		return;
	if (offline && h->bucket_usec >= HEATER_OFFLINE_GRACE_USEC)
		h->offline_alert = true;
	else if (!offline && h->bucket_usec == 0)
		h->offline_alert = false;
}

/* When heater_offline is raised or cleared, unless the plug changes first. */
uint64_t heater_offline_alert_due(const struct heater *h)
{
	bool offline = h->availability == HEATER_AVAILABILITY_OFFLINE;

	if (!h->connected)
		return HEATER_NO_WAKEUP;
	if (offline && !h->offline_alert)
		return heater_usec_add(h->bucket_at_usec,
				       HEATER_OFFLINE_GRACE_USEC - h->bucket_usec);
	if (!offline && h->offline_alert)
		return heater_usec_add(h->bucket_at_usec, h->bucket_usec);
	return HEATER_NO_WAKEUP;
}

/*
 * Keeps what made the plug offline, for the journal: at most HEATER_SAID_MAX
 * bytes of it. Out of memory, nothing is kept; the journal then says less.
 */
void heater_keep_said(struct heater *h, const char *topic, const void *data, size_t len)
{
	size_t n = len < HEATER_SAID_MAX ? len : HEATER_SAID_MAX;

	free(h->said_topic);
	free(h->said);
	h->said_topic = strdup(topic);
	h->said = malloc(n + 1);
	if (!h->said_topic || !h->said) {
		free(h->said_topic);
		free(h->said);
		h->said_topic = h->said = NULL;
		h->said_len = 0;
		return;
	}
	memcpy(h->said, data, n);
	h->said[n] = '\0';
	h->said_len = n;
}

bool heater_offline_said(const struct heater *h, const char **topic, const void **payload,
			 size_t *len)
{
	assert(h);
	assert(topic);
	assert(payload);
	assert(len);
	*topic = h->said_topic;
	*payload = h->said;
	*len = h->said_len;
	return h->said_topic != NULL;
}
