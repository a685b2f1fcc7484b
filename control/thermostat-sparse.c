/*
 * The band between readings minutes apart (an MQTT thermometer that reports
 * every 5 or 10 minutes, a Tasmota's default TelePeriod): how fast the room
 * rises with the heater on and falls with it off, learned from the readings,
 * and the air followed between them on those two rates.
 *
 * Taking each reading as the room's until the next one, the band switched on a
 * reading late (an older room at -10 °C falls a kelvin in 5 minutes: 202
 * minutes a day below the floor) and off a reading late (a whole interval's
 * rise past the top; with the floor at 22 °C the 26 °C cut-off was hit again
 * and again). Following only the fall made that worse: the earlier switch-ons
 * shortened the cycles, the band widened, and the switch-offs still waited
 * for a reading. With both rates the band acts at each wake between readings
 * (a reading period), on and off.
 *
 * Each interval between two readings tells the change over it; the first
 * stage's switch times tell how long it was on in it (shifted by the sensor's
 * lag: a reading shows the air of a little before). An interval all off gives
 * the fall, one all on the rise, a mixed one the rate not known from the other.
 * One stage only: with two, the rise depends on how many are on.
 */
#include <math.h>

#include "control/thermostat-internal.h"

/* Rates older than this are not followed: the room's fall changes with the weather. */
#define RATES_KEPT_USEC (60 * USEC_PER_MIN)
/* An interval counts as all on (off) with the stage on (off) for at least this share of it. */
#define WHOLE_SHARE 0.9
/* A mixed interval gives the other rate when it had at least this share of it. */
#define MIXED_SHARE 0.3

void thermostat_sparse_note_switch(struct thermostat *t)
{
	struct thermostat_sparse *sp = &t->sparse;
	const struct thermostat_stage *s = &t->stage[0];

	if (sp->n_switches > 0 ? sp->switch_on[sp->head] == s->on : !s->on)
		return;
	sp->head = (sp->head + 1) % THERMOSTAT_SPARSE_SWITCHES;
	sp->switch_usec[sp->head] = s->changed_usec;
	sp->switch_on[sp->head] = s->on;
	if (sp->n_switches < THERMOSTAT_SPARSE_SWITCHES)
		sp->n_switches++;
}

double thermostat_sparse_on_seconds(const struct thermostat_sparse *sp, uint64_t from_usec,
				    uint64_t to_usec)
{
	uint64_t end = to_usec;
	double on_s = 0;
	unsigned i = sp->head;

	if (to_usec <= from_usec)
		return 0;
	for (unsigned k = 0; k < sp->n_switches; k++) {
		i = (sp->head + THERMOSTAT_SPARSE_SWITCHES - k) % THERMOSTAT_SPARSE_SWITCHES;
		uint64_t start = sp->switch_usec[i] > from_usec ? sp->switch_usec[i] : from_usec;

		if (sp->switch_on[i] && start < end)
			on_s += (double) (end - start) / 1e6;
		if (sp->switch_usec[i] <= from_usec)
			return on_s;
		if (sp->switch_usec[i] < end)
			end = sp->switch_usec[i];
	}
	/* before the oldest switch kept, the other state (off before the first) */
	if (sp->n_switches > 0 && !sp->switch_on[i])
		on_s += (double) (end - from_usec) / 1e6;
	return on_s;
}

static void take_rate(double *rate, bool *known, double v)
{
	if (!isfinite(v))
		return;
	*rate = *known ? *rate + 0.5 * (v - *rate) : v;
	*known = true;
}

void thermostat_sparse_learn(struct thermostat *t, uint64_t prev_usec, double prev_c,
			     uint64_t now_usec, double now_c)
{
	struct thermostat_sparse *sp = &t->sparse;
	uint64_t lag = t->p.sensor_lag_usec;
	double gap_s, on_s, off_s, change = now_c - prev_c;

	if (t->p.n_stages != 1 || now_usec <= prev_usec || prev_usec < lag)
		return;
	gap_s = (double) (now_usec - prev_usec) / 1e6;
	on_s = thermostat_sparse_on_seconds(sp, prev_usec - lag, now_usec - lag);
	off_s = gap_s - on_s;
	if (off_s >= WHOLE_SHARE * gap_s)
		take_rate(&sp->fall, &sp->have_fall, change / gap_s);
	else if (on_s >= WHOLE_SHARE * gap_s)
		take_rate(&sp->rise, &sp->have_rise, change / gap_s);
	else if (sp->have_fall && on_s >= MIXED_SHARE * gap_s)
		take_rate(&sp->rise, &sp->have_rise, (change - sp->fall * off_s) / on_s);
	else if (sp->have_rise && off_s >= MIXED_SHARE * gap_s)
		take_rate(&sp->fall, &sp->have_fall, (change - sp->rise * on_s) / off_s);
	else
		return;
	sp->rates_usec = now_usec;
}

bool thermostat_sparse_air(const struct thermostat *t, uint64_t now_usec, double *ret_c,
			   double *ret_fall)
{
	const struct thermostat_sparse *sp = &t->sparse;
	uint64_t lag = t->p.sensor_lag_usec, ahead, from_usec, to_usec;
	double on_s, span_s;

	if (t->p.n_stages != 1 || t->sparse_period_usec == 0 || !sp->have_rise || !sp->have_fall ||
	    !(sp->rise > 0) || !(sp->fall < 0) || now_usec < t->last_reading_usec ||
	    now_usec - sp->rates_usec > RATES_KEPT_USEC || t->last_reading_usec < lag)
		return false;
	/* at most one interval on: a reading late is not followed further */
	ahead = thermostat_min_u64(now_usec - t->last_reading_usec, t->sparse_period_usec);
	from_usec = t->last_reading_usec - lag;
	to_usec = t->last_reading_usec + ahead;
	span_s = (double) (to_usec - from_usec) / 1e6;
	on_s = thermostat_sparse_on_seconds(sp, from_usec, to_usec);
	*ret_c = t->last_reading_c + sp->rise * on_s + sp->fall * (span_s - on_s);
	*ret_fall = sp->fall;
	return true;
}
