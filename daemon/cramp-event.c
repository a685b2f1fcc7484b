/* A cramp as its event says it: one shape for the broker and for bedroomctl's report. */
#include "daemon/cramp-event.h"

#include "daemon/clock.h"
#include "daemon/json-text.h"
#include "store/cramps.h"

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
	    "note", json_text(c->note), "cramps_7d", json_count_or_null(c->count_7d), "context",
	    "room_temperature", json_real_or_null(c->room_c, 2), "lowest_room_temperature",
	    json_real_or_null(c->min_room_c, 2), "in_bed", json_tristate(c->in_bed), "in_bed_since",
	    c->in_bed_since > 0 ? since : NULL, "heater_on", json_tristate(c->heater_on),
	    "heater_duty_1h", json_real_or_null(c->heater_duty_1h, 2), "foot_soak_done",
	    json_tristate(c->soak_done));
}
