/* A cramp as its event says it: one shape for the broker and for bedroomctl's report. */
#include "daemon/cramp-event.h"

#include <math.h>

#include "daemon/clock.h"
#include "daemon/json-text.h"
#include "store/cramps.h"

static json_t *tristate(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static json_t *real_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(round(v * 100) / 100);
}

json_t *cramp_event_count_json(int count_7d)
{
	return count_7d < 0 ? json_null() : json_integer(count_7d);
}

json_t *cramp_event_json(const struct store_cramp *c)
{
	char time[40], since[40];

	(void) clock_format_offset(c->time, c->tz_offset_s, time, sizeof(time));
	if (c->in_bed_since > 0)
		(void) clock_format_offset(c->in_bed_since, clock_local_offset_s(c->in_bed_since),
					   since, sizeof(since));
	/* The store's text may not be UTF-8 (a damaged file): escaped, never the event lost. */
	return json_pack(
	    "{s:o, s:s, s:b, s:b, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:{s:o, s:o, s:o, s:s?, "
	    "s:o, s:o, s:o}}",
	    "id", json_text(c->id), "time", time, "time_estimated", c->time_estimated, "amended",
	    c->amended, "leg", json_text(c->leg), "site", json_text(c->site), "source",
	    json_text(c->source), "suspected", c->suspected, "confirms", json_text(c->confirms),
	    "note", json_text(c->note), "cramps_7d", cramp_event_count_json(c->count_7d), "context",
	    "room_temperature", real_or_null(c->room_c), "lowest_room_temperature",
	    real_or_null(c->min_room_c), "in_bed", tristate(c->in_bed), "in_bed_since",
	    c->in_bed_since > 0 ? since : NULL, "heater_on", tristate(c->heater_on),
	    "heater_duty_1h", real_or_null(c->heater_duty_1h), "foot_soak_done",
	    tristate(c->soak_done));
}
