#include "daemon/warn-limit.h"

#include <assert.h>
#include <stdarg.h>
#include <time.h>

#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"

void warn_limit_init(struct warn_limit *w, sd_event *event, const char *what)
{
	assert(w);
	assert(what);
	*w = (struct warn_limit){ .limit = LOG_WARNING_LIMIT_INIT,
				  .what = what,
				  .event = event,
				  .level = LOG_LEVEL_WARNING };
}

void warn_limit_init_info(struct warn_limit *w, sd_event *event, const char *what)
{
	warn_limit_init(w, event, what);
	w->level = LOG_LEVEL_INFO;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct warn_limit *w = userdata;

	(void) s;
	(void) usec;
	unsigned n = log_limit_flush(&w->limit, clock_monotonic_usec());

	log_limit_summary(w->level, n, w->what);
	if (n > 0 && w->summarized)
		w->summarized(w->userdata);
	return 0;
}

static void arm(struct warn_limit *w)
{
	uint64_t due = log_limit_due_usec(&w->limit);
	int r;

	if (!w->event || due == UINT64_MAX)
		return;
	if (!w->timer) {
		r = sd_event_add_time(w->event, &w->timer, CLOCK_MONOTONIC, due, 0, on_timer, w);
		if (r >= 0)
			r = event_source_describe(w->timer, "warn-limit-%s", w->what);
		if (r < 0) {
			/* Without it the summary waits for the next warning: still one line. */
			w->timer = sd_event_source_disable_unref(w->timer);
			return;
		}
	} else {
		(void) sd_event_source_set_time(w->timer, due);
	}
	(void) sd_event_source_set_enabled(w->timer, SD_EVENT_ONESHOT);
}

void warn_limited(struct warn_limit *w, const char *fmt, ...)
{
	va_list ap;

	assert(w);
	va_start(ap, fmt);
	log_limitedv(w->level, &w->limit, w->what, fmt, ap);
	va_end(ap);
	arm(w);
}

void warn_limit_done(struct warn_limit *w)
{
	if (!w)
		return;
	w->timer = sd_event_source_disable_unref(w->timer);
	log_limit_summary(w->level, w->limit.n_quiet, w->what);
	if (w->limit.n_quiet > 0 && w->summarized)
		w->summarized(w->userdata);
	w->limit.n_quiet = 0;
}
