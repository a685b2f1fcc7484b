/* The room temperature's samples in the store: see room-sampler.h. */
#include "daemon/room-sampler.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>

#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"
#include "store/store.h"

struct room_sampler {
	sd_event *event;
	uint64_t window_usec;
	sd_event_source *timer;
	struct store *store;
	bool pending; /* a lowest not written yet */
	double lowest_c;
	int64_t lowest_time_s;
	bool window_open;
	uint64_t window_end_usec; /* monotonic: a wall-clock jump does not stop the samples */
	double last_c;            /* the newest reading, which starts the next window */
	bool last_known;
	bool write_failing; /* said once until a write works */
};

int room_sampler_new(sd_event *event, uint64_t window_usec, struct room_sampler **ret)
{
	struct room_sampler *s = calloc(1, sizeof(*s));

	assert(event);
	if (!s)
		return -ENOMEM;
	s->event = event;
	s->window_usec = window_usec;
	*ret = s;
	return 0;
}

struct room_sampler *room_sampler_free(struct room_sampler *s)
{
	if (!s)
		return NULL;
	/* A stop: the open window's lowest is the last of the night's before it. */
	room_sampler_flush(s);
	sd_event_source_disable_unref(s->timer);
	free(s);
	return NULL;
}

void room_sampler_set_store(struct room_sampler *s, struct store *store)
{
	s->store = store;
}

void room_sampler_flush(struct room_sampler *s)
{
	int r;

	if (!s->pending || !s->store)
		return;
	r = store_room_temperature_add(s->store, s->lowest_time_s,
				       clock_local_offset_s(s->lowest_time_s), s->lowest_c);
	if (r < 0) {
		if (!s->write_failing)
			log_warning_errno(r, "cannot store the room temperature, ignoring");
		s->write_failing = true;
		return; /* kept: a window's lowest is not dropped for a busy or full store */
	}
	s->write_failing = false;
	s->pending = false;
}

static void offer(struct room_sampler *s, double c, int64_t time_s)
{
	if (!s->pending || c < s->lowest_c) {
		s->lowest_c = c;
		s->lowest_time_s = time_s;
	}
	s->pending = true;
}

void room_sampler_adopt(struct room_sampler *s, struct room_sampler *old)
{
	room_sampler_flush(old);
	if (!old->pending)
		return;
	/* The store could not take it: the new sampler writes it once the store can. */
	offer(s, old->lowest_c, old->lowest_time_s);
	s->write_failing = old->write_failing;
	old->pending = false;
}

static int on_window_end(sd_event_source *es, uint64_t usec, void *userdata);

static int open_window(struct room_sampler *s, uint64_t now_usec)
{
	int r;

	s->window_open = true;
	s->window_end_usec = now_usec + s->window_usec;
	if (s->timer)
		return event_source_arm_at(s->timer, s->window_end_usec);
	r = sd_event_add_time(s->event, &s->timer, CLOCK_MONOTONIC, s->window_end_usec, 0,
			      on_window_end, s);
	return r < 0 ? r : event_source_describe(s->timer, "room-sample");
}

static int on_window_end(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct room_sampler *s = userdata;

	(void) es;
	s->window_open = false;
	room_sampler_flush(s);
	/* The temperature as it is now starts the next: a steady room is sampled too. */
	if (s->last_known) {
		offer(s, s->last_c, (int64_t) (clock_realtime_usec() / 1000000));
		(void) open_window(s, usec);
	}
	return 0;
}

void room_sampler_take(struct room_sampler *s, double c, int64_t time_s, uint64_t now_usec)
{
	s->last_c = c;
	s->last_known = true;
	if (s->window_open && now_usec >= s->window_end_usec) {
		/* Its timer is late (a busy loop): the window is over all the same. */
		s->window_open = false;
		room_sampler_flush(s);
	}
	offer(s, c, time_s);
	if (!s->window_open && open_window(s, now_usec) < 0) {
		/* No timer: write each reading rather than lose the window's. */
		s->window_open = false;
		room_sampler_flush(s);
	}
}

void room_sampler_unknown(struct room_sampler *s)
{
	s->last_known = false;
}

bool room_sampler_pending_lowest(const struct room_sampler *s, int64_t since_s, int64_t until_s,
				 double *ret_c)
{
	if (!s->pending || s->lowest_time_s < since_s || s->lowest_time_s > until_s)
		return false;
	*ret_c = s->lowest_c;
	return true;
}
