/*
 * What the sequence numbers of a line request's edge events say was lost, and
 * what is fed for it (see input-gpio.h): pure, no libgpiod, no clock.
 */
#include "sensors/input-gpio.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>

struct input_gpio_seq_line {
	bool momentary;
	bool have_level;
	bool level;               /* as last fed */
	unsigned long line_seqno; /* the last seen; 0: none yet */
	bool seen;                /* an event since the last gap in this batch */
	uint64_t debounce_usec;   /* user space: edges this soon after the last fed are bounce */
	bool have_edge;
	uint64_t edge_usec; /* the last edge fed */
};

struct input_gpio_seq {
	unsigned long seqno; /* the highest seen; 0: none yet */
	size_t n_lines;
	struct input_gpio_seq_line lines[];
};

/* What one batch found lost. */
struct lost {
	bool gap;
	uint64_t gap_usec;  /* the first event after the first gap: every lost one was older */
	unsigned long lost; /* events dropped */
	unsigned long attributed; /* of those, put on a line by its line_seqno */
};

struct feeder {
	void (*feed)(void *userdata, const struct input_gpio_feed *f);
	void *userdata;
};

int input_gpio_seq_new(size_t n_lines, const bool *momentary, struct input_gpio_seq **ret)
{
	struct input_gpio_seq *s;

	assert(ret);
	if (n_lines == 0 || !momentary)
		return -EINVAL;
	s = calloc(1, sizeof(*s) + n_lines * sizeof(s->lines[0]));
	if (!s)
		return -ENOMEM;
	s->n_lines = n_lines;
	for (size_t i = 0; i < n_lines; i++)
		s->lines[i].momentary = momentary[i];
	*ret = s;
	return 0;
}

struct input_gpio_seq *input_gpio_seq_free(struct input_gpio_seq *s)
{
	free(s);
	return NULL;
}

void input_gpio_seq_set_debounce(struct input_gpio_seq *s, size_t index, uint64_t debounce_usec)
{
	assert(s);
	assert(index < s->n_lines);
	s->lines[index].debounce_usec = debounce_usec;
}

void input_gpio_seq_set_levels(struct input_gpio_seq *s, const bool *levels)
{
	assert(s);
	assert(levels);
	for (size_t i = 0; i < s->n_lines; i++) {
		s->lines[i].have_level = true;
		s->lines[i].level = levels[i];
	}
}

bool input_gpio_seq_gap(const struct input_gpio_seq *s, const struct input_gpio_event *ev, size_t n)
{
	unsigned long seqno;

	assert(s);
	seqno = s->seqno;
	for (size_t k = 0; k < n; k++) {
		if (ev[k].seqno > seqno + 1)
			return true;
		if (ev[k].seqno > seqno)
			seqno = ev[k].seqno;
	}
	return false;
}

static void feed_one(const struct feeder *fd, struct input_gpio_seq *s, size_t index, bool active,
		     uint64_t at_usec, bool sync)
{
	s->lines[index].have_level = true;
	s->lines[index].level = active;
	fd->feed(fd->userdata,
		 &(struct input_gpio_feed){
		     .index = index, .active = active, .at_usec = at_usec, .sync = sync });
}

/*
 * A button pressed (@was) or not lost @lost edges (@exact: that many, else at
 * least one): was a press among them? Edges alternate, so from released the
 * first lost one was a press, and two or more hold a press whatever the start.
 * Not knowing how many, only a level gone from released to held (@now) says so.
 */
static bool lost_press(bool was, unsigned long lost, bool exact, bool now)
{
	if (!exact)
		return !was && now;
	return lost > 0 && (!was || lost >= 2);
}

/* Feeds the press a momentary line lost, at @at_usec; false if none was lost. */
static bool make_up_press(const struct feeder *fd, struct input_gpio_seq *s, size_t index,
			  unsigned long lost, bool exact, bool now, uint64_t at_usec)
{
	struct input_gpio_seq_line *l = &s->lines[index];
	bool was = l->have_level && l->level;

	if (!lost_press(was, lost, exact, now))
		return false;
	if (was) /* released in between: say so, or the press is no press */
		feed_one(fd, s, index, false, at_usec, true);
	feed_one(fd, s, index, true, at_usec, false);
	return true;
}

/* Whether an edge of @l at @at_usec is bounce its user-space debounce ignores. */
static bool bounce(const struct input_gpio_seq_line *l, uint64_t at_usec)
{
	return l->momentary && l->debounce_usec > 0 && l->have_edge && at_usec >= l->edge_usec &&
	       at_usec - l->edge_usec < l->debounce_usec;
}

static void apply_event(const struct feeder *fd, struct input_gpio_seq *s, struct lost *lost,
			const struct input_gpio_event *e)
{
	struct input_gpio_seq_line *l = &s->lines[e->index];
	uint64_t at_usec = e->timestamp_ns / 1000;
	unsigned long line_lost = 0;

	if (e->seqno > s->seqno + 1) {
		if (!lost->gap)
			lost->gap_usec = at_usec;
		lost->gap = true;
		lost->lost += e->seqno - s->seqno - 1;
		for (size_t i = 0; i < s->n_lines; i++)
			s->lines[i].seen = false;
	} else if (e->seqno <= s->seqno && lost->lost > 0) {
		lost->lost--; /* out of order, not lost: taken for lost a moment ago */
	}
	if (e->seqno > s->seqno)
		s->seqno = e->seqno;
	if (e->line_seqno > l->line_seqno + 1)
		line_lost = e->line_seqno - l->line_seqno - 1;
	if (e->line_seqno > l->line_seqno)
		l->line_seqno = e->line_seqno;
	l->seen = true;
	lost->attributed += line_lost;
	if (line_lost == 0 && bounce(l, at_usec))
		return;
	/*
	 * This line's own lost edges: a button's press among them is fed before
	 * this edge; if it lost only a release, the release is, so that this
	 * edge's press is one. Other lines: this edge sets the level. A press
	 * on a button already active as fed lost its release to the debounce,
	 * or to the level read at the request after the press: said first too.
	 */
	if (l->momentary && line_lost > 0 &&
	    !make_up_press(fd, s, e->index, line_lost, true, !e->active,
			   lost->gap ? lost->gap_usec : at_usec))
		feed_one(fd, s, e->index, !e->active, at_usec, true);
	else if (l->momentary && line_lost == 0 && e->active && l->have_level && l->level)
		feed_one(fd, s, e->index, false, at_usec, true);
	feed_one(fd, s, e->index, e->active, at_usec, false);
	l->have_edge = true;
	l->edge_usec = at_usec;
}

void input_gpio_seq_batch(struct input_gpio_seq *s, const struct input_gpio_event *ev, size_t n,
			  const bool *levels, uint64_t now_usec,
			  void (*feed)(void *userdata, const struct input_gpio_feed *f),
			  void *userdata)
{
	const struct feeder fd = { .feed = feed, .userdata = userdata };
	struct lost lost = { 0 };
	unsigned long unknown;
	size_t candidates = 0;

	assert(s);
	assert(feed);
	for (size_t k = 0; k < n; k++)
		if (ev[k].index < s->n_lines)
			apply_event(&fd, s, &lost, &ev[k]);
	/*
	 * Lost events no line's line_seqno accounts for were on lines with no
	 * event since: only those may be behind, and only their levels are fed,
	 * after the whole batch (a level read mid-batch would come before edges
	 * that are older than it, and take a queued press for a held button).
	 */
	unknown = lost.lost > lost.attributed ? lost.lost - lost.attributed : 0;
	if (unknown == 0 || !levels)
		return;
	for (size_t i = 0; i < s->n_lines; i++)
		candidates += !s->lines[i].seen;
	for (size_t i = 0; i < s->n_lines; i++) {
		struct input_gpio_seq_line *l = &s->lines[i];

		if (l->seen)
			continue;
		/* The only candidate lost them all: how many is known. */
		if (l->momentary)
			(void) make_up_press(&fd, s, i, unknown, candidates == 1, levels[i],
					     lost.gap_usec);
		if (!l->momentary || !l->have_level || l->level != levels[i])
			feed_one(&fd, s, i, levels[i], now_usec, true);
	}
}
