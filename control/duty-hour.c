/* A heater's on-time over the last hour: see duty-hour.h. */
#include "control/duty-hour.h"

#include <math.h>

#define MINUTE_USEC (60ULL * 1000000ULL)
#define HOUR_USEC   (60 * MINUTE_USEC)

void duty_hour_account(struct duty_hour *d, bool on, uint64_t now_usec)
{
	uint64_t minute = now_usec / MINUTE_USEC;
	unsigned slot = (unsigned) (minute % 60);

	if (!d->accounted_usec)
		d->since_usec = now_usec;
	if (d->minute[slot] != minute) {
		d->minute[slot] = minute;
		d->on_usec[slot] = 0;
	}
	if (on && d->accounted_usec && now_usec > d->accounted_usec)
		d->on_usec[slot] += now_usec - d->accounted_usec;
	d->accounted_usec = now_usec;
}

double duty_hour_share(const struct duty_hour *d, uint64_t now_usec)
{
	uint64_t now_minute = now_usec / MINUTE_USEC, on = 0;

	if (!d->accounted_usec || now_usec < d->since_usec + HOUR_USEC)
		return NAN;
	for (unsigned i = 0; i < 60; i++)
		if (d->minute[i] + 60 > now_minute)
			on += d->on_usec[i];
	return fmin((double) on / (double) HOUR_USEC, 1.0);
}
