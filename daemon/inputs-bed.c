/*
 * The bed: whether the person is in it, by the occupancy inputs, and since
 * when, kept in the store so that a restart in the night is no new bedtime.
 */
#include "daemon/inputs-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "daemon/clock.h"
#include "daemon/log.h"
#include "store/settings.h"
#include "store/store.h"

/* The settings key of what @i keeps: "in_bed_since.NAME". */
static int since_key(const struct input *i, char *buf, size_t size)
{
	int n = snprintf(buf, size, "in_bed_since.%s", i->cfg->name);

	return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

/* In bed since when, as the store kept it for @i (Unix seconds); 0: nothing, or not readable. */
static int64_t kept_since_s(const struct input *i)
{
	char key[128], *v = NULL, *end = NULL;
	long long s;

	if (!i->inputs->store || since_key(i, key, sizeof(key)) < 0 ||
	    store_setting_get(i->inputs->store, key, &v) < 0)
		return 0;
	errno = 0;
	s = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || s < 0)
		s = 0;
	free(v);
	return (int64_t) s;
}

/* Keeps in the store that @i says in bed since @since_s (Unix seconds); 0: forgets it. */
static void keep_since(struct input *i, int64_t since_s)
{
	char key[128], value[24];
	int r;

	if (!i->inputs->store)
		return;
	r = since_key(i, key, sizeof(key));
	if (r >= 0 && since_s > 0) {
		snprintf(value, sizeof(value), "%lld", (long long) since_s);
		r = store_setting_set(i->inputs->store, key, value);
	} else if (r >= 0) {
		r = store_setting_delete(i->inputs->store, key);
	}
	if (r < 0)
		log_warning("%s: since when in bed is not kept in the store (%s): a restart "
			    "tonight starts it afresh, ignoring",
			    i->source, store_strerror(r));
}

/*
 * The state of @i changed: in bed since when. First known after a start (or
 * after its chip came back) as in bed, the store's record of the time may go
 * further back than the input can; every change is kept there for the next
 * start. A wall clock that is not set dates nothing: its record is dropped.
 */
void input_track_in_bed_since(struct input *i, const struct bed_occupancy_result *r)
{
	uint64_t now = clock_realtime_usec(), own = inputs_to_realtime(r->since_usec);
	bool clock_set =
	    clock_wall_is_set((int64_t) (now / 1000000), CLOCK_TIMESYNC_DIR, CLOCK_RTC_DIR);
	int64_t since;
	char when[40];

	i->resumed_since_usec = 0;
	switch (r->state) {
	case BED_OCCUPANCY_STATE_UNKNOWN:
		return; /* the chip went away: the record holds for when it is back */
	case BED_OCCUPANCY_STATE_OUT:
		keep_since(i, 0);
		return;
	case BED_OCCUPANCY_STATE_IN:
		break;
	}
	if (!clock_set) {
		keep_since(i, 0);
		return;
	}
	since = (int64_t) (own / 1000000);
	if (r->before == BED_OCCUPANCY_STATE_UNKNOWN) {
		since = bed_occupancy_resume_since_s(r->state, since, kept_since_s(i),
						     (int64_t) (now / 1000000), clock_set);
		if (since < (int64_t) (own / 1000000)) {
			i->resumed_since_usec = (uint64_t) since * 1000000ULL;
			if (clock_format_local(i->resumed_since_usec, when, sizeof(when)) < 0)
				when[0] = '\0';
			log_info("%s: in bed since %s, as kept from before", i->source, when);
			return; /* the record says so already */
		}
	}
	keep_since(i, since);
}

/* Since when @i says in bed (CLOCK_REALTIME): kept from before a restart, or its state's. */
static uint64_t in_bed_since(const struct input *i)
{
	return i->resumed_since_usec ? i->resumed_since_usec
				     : inputs_to_realtime(i->occupancy.state_since_usec);
}

/*
 * Several mats: in bed when any readable one says so (*@ret_since: since when,
 * CLOCK_REALTIME), out when every one that knows says so.
 */
enum bed_occupancy_state inputs_occupancy(const struct inputs *in, uint64_t *ret_since)
{
	enum bed_occupancy_state occ = BED_OCCUPANCY_STATE_UNKNOWN;
	uint64_t since = UINT64_MAX;

	for (size_t k = 0; k < in->n_inputs; k++) {
		const struct input *i = &in->inputs[k];

		/* A mat that cannot be read says nothing: what it said last is not true for good.
		 */
		if (i->cfg->role != CONFIG_INPUT_ROLE_OCCUPANCY || input_line_error(i))
			continue;
		if (i->occupancy.state == BED_OCCUPANCY_STATE_IN) {
			occ = BED_OCCUPANCY_STATE_IN;
			if (in_bed_since(i) < since)
				since = in_bed_since(i);
		} else if (i->occupancy.state == BED_OCCUPANCY_STATE_OUT &&
			   occ == BED_OCCUPANCY_STATE_UNKNOWN) {
			occ = BED_OCCUPANCY_STATE_OUT;
		}
	}
	*ret_since = since;
	return occ;
}

int inputs_in_bed(const struct inputs *in, uint64_t *ret_since_realtime_usec)
{
	uint64_t since;

	switch (inputs_occupancy(in, &since)) {
	case BED_OCCUPANCY_STATE_IN:
		if (ret_since_realtime_usec)
			*ret_since_realtime_usec = since;
		return 1;
	case BED_OCCUPANCY_STATE_OUT:
		return 0;
	case BED_OCCUPANCY_STATE_UNKNOWN:
		break;
	}
	return -ENODATA;
}
