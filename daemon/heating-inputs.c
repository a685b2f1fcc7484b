/*
 * What the thermostat is given at each step (heating-internal.h): the local
 * time of day, while the wall clock is known to be set, and the inputs that
 * change while heating runs (mode, floor, the bed, each heater's status).
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "actuators/heater.h"
#include "control/thermostat.h"
#include "daemon/clock.h"
#include "daemon/heating-internal.h"
#include "daemon/heating-path.h"
#include "daemon/log.h"

/*
 * The local time of day the thermostat plans on. While the wall clock is not
 * known to be set (a Pi without a clock chip, before NTP: 1970, or hours behind
 * from fake-hwclock), any hour may really be the night, or the day:
 * HEATING_PATH_CLOCK_UNSET, and heating holds the higher of floor and day_floor
 * at every hour until the clock is set (heating_path_decide()).
 * Checked at each step until it is, then no more (timesyncd does not unsync).
 */
unsigned heating_local_second_of_day(struct heating *h)
{
	time_t t = time(NULL);
	int64_t local;

	if (!h->clock_set) {
		h->clock_set = clock_wall_is_set((int64_t) t, CLOCK_TIMESYNC_DIR, CLOCK_RTC_DIR);
		if (!h->clock_set && !h->clock_unset_told)
			log_warning(
			    "heating: the wall clock is not set yet (no NTP synchronisation "
			    "since boot): the higher of floor and day_floor holds at every "
			    "hour until it is (a Pi without internet needs an NTP server on "
			    "the network, or a clock chip)");
		else if (h->clock_set && h->clock_unset_told)
			log_info("heating: the wall clock is set; the night window applies again");
		h->clock_unset_told = !h->clock_set;
	}
	if (!h->clock_set)
		return HEATING_PATH_CLOCK_UNSET;
	local = (int64_t) t + clock_local_offset_cached(&h->local_offset, (int64_t) t);
	return (unsigned) (((local % 86400) + 86400) % 86400);
}

/* Read from the bed inputs, their one owner, at every step. */
static enum thermostat_bed bed_input(const struct heating *h)
{
	int in_bed = h->inputs ? inputs_in_bed(h->inputs, NULL) : -ENODATA;

	return in_bed < 0 ? THERMOSTAT_BED_UNKNOWN
	       : in_bed   ? THERMOSTAT_BED_OCCUPIED
			  : THERMOSTAT_BED_EMPTY;
}

/* What changes while heating runs; the rest of the input is the config's (heating_new()). */
void heating_fill_inputs(struct heating *h)
{
	struct thermostat_input *in = &h->in;

	in->mode =
	    h->settings.mode == COMMAND_MODE_HEAT ? THERMOSTAT_MODE_HEAT : THERMOSTAT_MODE_OFF;
	in->floor_c = h->settings.floor_c;
	in->bed = bed_input(h);
	for (unsigned i = 0; i < h->n_stages; i++) {
		struct heater_status st;

		heater_get_status(h->stages[i].heater, &st);
		in->heater[i].confirmed = st.confirmed == HEATER_RELAY_ON ? THERMOSTAT_CONFIRM_ON
					  : st.confirmed == HEATER_RELAY_OFF
					      ? THERMOSTAT_CONFIRM_OFF
					      : THERMOSTAT_CONFIRM_UNKNOWN;
		in->heater[i].power_known = st.power_known;
		/*
		 * A command waits for its answer: what the plug said (and drew) is
		 * about the one before. Taken as its answer, a step before a slow
		 * plug's answer taught the room model the heater was off again.
		 */
		if (st.state == HEATER_STATE_PENDING) {
			in->heater[i].confirmed = THERMOSTAT_CONFIRM_UNKNOWN;
			in->heater[i].power_known = false;
		}
		in->heater[i].power_w = st.power_w;
		in->heater[i].unavailable =
		    st.state == HEATER_STATE_OFFLINE || st.state == HEATER_STATE_UNCONFIRMED;
	}
}
