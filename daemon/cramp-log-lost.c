/*
 * The cramps a stop could not write to the store (a full disk): each named in
 * the journal with what it takes to enter it again, not only counted: the
 * doctor's report would otherwise miss them without a trace of which.
 */
#include <stdio.h>
#include <string.h>

#include "daemon/clock.h"
#include "daemon/cramp-log-internal.h"
#include "daemon/log.h"

/* Appends " --NAME 'VALUE'" to @buf, quoted for a shell ('\'' for a quote). */
static void add_option(char *buf, size_t size, const char *name, const char *value)
{
	size_t n = strlen(buf);

	n += (size_t) snprintf(buf + n, n < size ? size - n : 0, " --%s '", name);
	for (; *value && n + 5 < size; value++) {
		if (*value == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *value;
		}
	}
	if (n + 1 < size) {
		buf[n++] = '\'';
		buf[n] = '\0';
	}
}

void cramp_log_say_lost(const struct store_cramp *c)
{
	char when[40], again[640] = "bedroomctl cramp";

	if (clock_format_offset(c->time, c->tz_offset_s, when, sizeof(when)) < 0)
		snprintf(when, sizeof(when), "@%lld", (long long) c->time);
	/* One guessed from movement and never confirmed: not to be entered as reported. */
	if (c->suspected) {
		log_error("cramp log: lost: the suspected cramp (from movement, not confirmed) at "
			  "%s (id %s)",
			  when, c->id);
		return;
	}
	add_option(again, sizeof(again), "at", when);
	if (c->leg && strcmp(c->leg, "unknown") != 0)
		add_option(again, sizeof(again), "leg", c->leg);
	if (c->site)
		add_option(again, sizeof(again), "site", c->site);
	if (c->note)
		add_option(again, sizeof(again), "note", c->note);
	log_error("cramp log: lost: the cramp at %s (id %s)%s; to log it again once the store "
		  "works: %s",
		  when, c->id,
		  c->delivered ? ", which the broker had (logged again, it comes with a new id)"
			       : "",
		  again);
}
