#include "tests/unit/fake-gpiod.h"

#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fake_gpiod fake_gpiod;

struct gpiod_chip {
	int fd;
};
struct gpiod_chip_info {
	int unused;
};
struct gpiod_line_info {
	char name[16];
	unsigned offset;
};
struct gpiod_line_settings {
	bool edges;
	unsigned long debounce_us;
};
struct gpiod_line_config {
	size_t n;
	unsigned offsets[FAKE_GPIOD_LINES];
	struct gpiod_line_settings settings[FAKE_GPIOD_LINES];
};
struct gpiod_request_config {
	int unused;
};
struct gpiod_edge_event {
	unsigned offset;
	bool active;
	uint64_t ts_ns;
	unsigned long seqno, line_seqno;
};
struct gpiod_edge_event_buffer {
	size_t capacity, n;
	struct gpiod_edge_event *events;
};
struct gpiod_line_request {
	int fd[2];
	size_t n;
	unsigned offsets[FAKE_GPIOD_LINES];
	unsigned long seqno, line_seqno[FAKE_GPIOD_LINES];
};

/* The requests held, by line. */
static struct gpiod_line_request *holder[FAKE_GPIOD_LINES];

static void update_requested(void)
{
	fake_gpiod.requested = false;
	for (unsigned k = 0; k < FAKE_GPIOD_LINES; k++)
		fake_gpiod.requested = fake_gpiod.requested || holder[k];
}

void fake_gpiod_edge(unsigned offset, bool active, uint64_t ts_usec)
{
	struct gpiod_line_request *r = offset < FAKE_GPIOD_LINES ? holder[offset] : NULL;
	struct gpiod_edge_event e;

	if (!r)
		abort();
	/* Whole, padding too: the bytes go through a pipe (valgrind checks each). */
	memset(&e, 0, sizeof(e));
	e.offset = offset;
	e.active = active;
	e.ts_ns = ts_usec * 1000;
	e.seqno = ++r->seqno;
	e.line_seqno = ++r->line_seqno[offset];
	if (write(r->fd[1], &e, sizeof(e)) != (ssize_t) sizeof(e))
		abort();
}

struct gpiod_chip *gpiod_chip_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct gpiod_chip *c;

	if (fd < 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	c->fd = fd;
	return c;
}

void gpiod_chip_close(struct gpiod_chip *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c);
}

int gpiod_chip_get_fd(struct gpiod_chip *c)
{
	return c->fd;
}

struct gpiod_chip_info *gpiod_chip_get_info(struct gpiod_chip *c)
{
	return calloc(1, sizeof(struct gpiod_chip_info));
}

void gpiod_chip_info_free(struct gpiod_chip_info *i)
{
	free(i);
}

const char *gpiod_chip_info_get_label(struct gpiod_chip_info *i)
{
	return "fake";
}

size_t gpiod_chip_info_get_num_lines(struct gpiod_chip_info *i)
{
	return FAKE_GPIOD_LINES;
}

struct gpiod_line_info *gpiod_chip_get_line_info(struct gpiod_chip *c, unsigned int offset)
{
	struct gpiod_line_info *l = calloc(1, sizeof(*l));

	snprintf(l->name, sizeof(l->name), "GPIO%u", offset);
	l->offset = offset;
	return l;
}

void gpiod_line_info_free(struct gpiod_line_info *l)
{
	free(l);
}

const char *gpiod_line_info_get_name(struct gpiod_line_info *l)
{
	return l->name;
}

/* A line failing with EBUSY is held by another program: gpioset. */
const char *gpiod_line_info_get_consumer(struct gpiod_line_info *l)
{
	if (l->offset < FAKE_GPIOD_LINES && fake_gpiod.fail_errno[l->offset] == EBUSY)
		return "gpioset";
	return l->offset < FAKE_GPIOD_LINES && fake_gpiod.held[l->offset] ? "bedroomd" : NULL;
}

bool gpiod_line_info_is_used(struct gpiod_line_info *l)
{
	return gpiod_line_info_get_consumer(l) != NULL;
}

int gpiod_chip_get_line_offset_from_name(struct gpiod_chip *c, const char *name)
{
	unsigned v;
	char extra;

	if (sscanf(name, "GPIO%u%c", &v, &extra) == 1 && v < FAKE_GPIOD_LINES)
		return (int) v;
	errno = ENOENT;
	return -1;
}

struct gpiod_line_settings *gpiod_line_settings_new(void)
{
	return calloc(1, sizeof(struct gpiod_line_settings));
}

void gpiod_line_settings_free(struct gpiod_line_settings *s)
{
	free(s);
}

int gpiod_line_settings_set_direction(struct gpiod_line_settings *s,
				      enum gpiod_line_direction direction)
{
	return 0;
}

int gpiod_line_settings_set_edge_detection(struct gpiod_line_settings *s, enum gpiod_line_edge edge)
{
	s->edges = edge != GPIOD_LINE_EDGE_NONE;
	return 0;
}

int gpiod_line_settings_set_bias(struct gpiod_line_settings *s, enum gpiod_line_bias bias)
{
	return 0;
}

int gpiod_line_settings_set_event_clock(struct gpiod_line_settings *s,
					enum gpiod_line_clock event_clock)
{
	return 0;
}

void gpiod_line_settings_set_active_low(struct gpiod_line_settings *s, bool active_low)
{
}

void gpiod_line_settings_set_debounce_period_us(struct gpiod_line_settings *s, unsigned long period)
{
	s->debounce_us = period;
}

struct gpiod_request_config *gpiod_request_config_new(void)
{
	return calloc(1, sizeof(struct gpiod_request_config));
}

void gpiod_request_config_free(struct gpiod_request_config *r)
{
	free(r);
}

void gpiod_request_config_set_consumer(struct gpiod_request_config *r, const char *consumer)
{
}

void gpiod_request_config_set_event_buffer_size(struct gpiod_request_config *r, size_t size)
{
}

struct gpiod_line_config *gpiod_line_config_new(void)
{
	return calloc(1, sizeof(struct gpiod_line_config));
}

void gpiod_line_config_free(struct gpiod_line_config *l)
{
	free(l);
}

int gpiod_line_config_add_line_settings(struct gpiod_line_config *l, const unsigned int *offsets,
					size_t n, struct gpiod_line_settings *s)
{
	for (size_t i = 0; i < n && l->n < FAKE_GPIOD_LINES; i++) {
		l->settings[l->n] = *s;
		l->offsets[l->n++] = offsets[i];
	}
	return 0;
}

/* Why the kernel would refuse the request @lc: an errno, or 0. */
static int refusal(const struct gpiod_line_config *lc)
{
	for (size_t i = 0; i < lc->n; i++) {
		unsigned o = lc->offsets[i];

		if (o >= FAKE_GPIOD_LINES)
			return EINVAL;
		if (holder[o])
			return EBUSY;
		if (fake_gpiod.fail_errno[o])
			return fake_gpiod.fail_errno[o];
		if (fake_gpiod.refuse_debounce[o] && lc->settings[i].debounce_us > 0)
			return EINVAL;
		if (fake_gpiod.refuse_edges[o] && lc->settings[i].edges)
			return ENXIO;
	}
	return 0;
}

struct gpiod_line_request *gpiod_chip_request_lines(struct gpiod_chip *c,
						    struct gpiod_request_config *rc,
						    struct gpiod_line_config *lc)
{
	struct gpiod_line_request *r;
	int e = refusal(lc);

	if (e) {
		errno = e;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (pipe2(r->fd, O_NONBLOCK | O_CLOEXEC) < 0)
		abort();
	r->n = lc->n;
	for (size_t i = 0; i < lc->n; i++) {
		r->offsets[i] = lc->offsets[i];
		holder[lc->offsets[i]] = r;
		fake_gpiod.held[lc->offsets[i]] = true;
		fake_gpiod.debounce_us[lc->offsets[i]] = lc->settings[i].debounce_us;
	}
	fake_gpiod.requests++;
	update_requested();
	return r;
}

void gpiod_line_request_release(struct gpiod_line_request *r)
{
	if (!r)
		return;
	close(r->fd[0]);
	close(r->fd[1]);
	for (size_t i = 0; i < r->n; i++)
		if (holder[r->offsets[i]] == r) {
			holder[r->offsets[i]] = NULL;
			fake_gpiod.held[r->offsets[i]] = false;
		}
	update_requested();
	free(r);
}

int gpiod_line_request_get_fd(struct gpiod_line_request *r)
{
	return r->fd[0];
}

enum gpiod_line_value gpiod_line_request_get_value(struct gpiod_line_request *r,
						   unsigned int offset)
{
	return fake_gpiod.levels[offset] ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE;
}

int gpiod_line_request_wait_edge_events(struct gpiod_line_request *r, int64_t timeout_ns)
{
	struct pollfd p = { .fd = r->fd[0], .events = POLLIN };

	return poll(&p, 1, 0);
}

struct gpiod_edge_event_buffer *gpiod_edge_event_buffer_new(size_t capacity)
{
	struct gpiod_edge_event_buffer *b = calloc(1, sizeof(*b));

	b->capacity = capacity;
	b->events = calloc(capacity, sizeof(*b->events));
	return b;
}

void gpiod_edge_event_buffer_free(struct gpiod_edge_event_buffer *b)
{
	if (!b)
		return;
	free(b->events);
	free(b);
}

struct gpiod_edge_event *gpiod_edge_event_buffer_get_event(struct gpiod_edge_event_buffer *b,
							   unsigned long index)
{
	return index < b->n ? &b->events[index] : NULL;
}

int gpiod_line_request_read_edge_events(struct gpiod_line_request *r,
					struct gpiod_edge_event_buffer *b, size_t max)
{
	ssize_t k;

	if (max > b->capacity)
		max = b->capacity;
	k = read(r->fd[0], b->events, max * sizeof(*b->events));
	if (k < 0)
		return -1;
	b->n = (size_t) k / sizeof(*b->events);
	return (int) b->n;
}

enum gpiod_edge_event_type gpiod_edge_event_get_event_type(struct gpiod_edge_event *e)
{
	return e->active ? GPIOD_EDGE_EVENT_RISING_EDGE : GPIOD_EDGE_EVENT_FALLING_EDGE;
}

unsigned int gpiod_edge_event_get_line_offset(struct gpiod_edge_event *e)
{
	return e->offset;
}

uint64_t gpiod_edge_event_get_timestamp_ns(struct gpiod_edge_event *e)
{
	return e->ts_ns;
}

unsigned long gpiod_edge_event_get_global_seqno(struct gpiod_edge_event *e)
{
	return e->seqno;
}

unsigned long gpiod_edge_event_get_line_seqno(struct gpiod_edge_event *e)
{
	return e->line_seqno;
}
