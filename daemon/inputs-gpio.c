#include "daemon/inputs-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/random.h>

#include "control/backoff.h"
#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"
#include "sensors/input-gpio.h"

#define REOPEN_MIN_USEC    (2 * 1000000ULL)
#define REOPEN_MAX_USEC    (60 * 1000000ULL)
#define CHECK_USEC         (5 * 1000000ULL) /* is an open chip still there? (no inotify) */
#define EVENTS_PER_READ    16
#define READS_PER_DISPATCH 8 /* then let the loop breathe; the fd stays readable */

static uint32_t random_u32(void)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint32_t) clock_monotonic_usec();
	return v;
}

static void chip_schedule_reopen(struct input_chip *c)
{
	uint64_t delay =
	    backoff_delay_usec(c->failures, random_u32(), REOPEN_MIN_USEC, REOPEN_MAX_USEC);

	(void) sd_event_source_set_time_relative(c->reopen_timer, delay);
	(void) sd_event_source_set_enabled(c->reopen_timer, SD_EVENT_ONESHOT);
}

static void chip_close(struct input_chip *c)
{
	(void) sd_event_source_set_enabled(c->check_timer, SD_EVENT_OFF);
	c->watch = sd_event_source_disable_unref(c->watch);
	c->io = sd_event_source_disable_unref(c->io);
	c->gpio = input_gpio_close(c->gpio);
	c->seq = input_gpio_seq_free(c->seq);
}

/* Reads the levels (just after the request) and feeds them as levels, not edges. */
static int chip_sync(struct input_chip *c)
{
	bool *levels = calloc(c->n_members, sizeof(*levels));
	uint64_t now = clock_monotonic_usec();
	int r;

	if (!levels)
		return -ENOMEM;
	r = input_gpio_get_levels(c->gpio, levels);
	if (r >= 0)
		input_gpio_seq_set_levels(c->seq, levels);
	for (size_t k = 0; r >= 0 && k < c->n_members; k++)
		c->cb->level(c->members[k], levels[k], now, true);
	free(levels);
	return r;
}

/*
 * The chip is not open: its members' levels are no longer known (an input
 * adopted through a reload would otherwise keep saying "in bed" for good).
 * Returns whether any member knew something.
 */
static bool chip_forget(struct input_chip *c)
{
	bool knew = false;

	for (size_t k = 0; k < c->n_members; k++) {
		struct input *i = c->members[k];

		if (!i->have_level && i->occupancy.state == BED_OCCUPANCY_STATE_UNKNOWN)
			continue;
		knew = true;
		c->cb->lost(i);
	}
	return knew;
}

/* The chip failed: its members' alerts are due INPUTS_FAILED_ALERT_USEC after the first failure. */
static void chip_arm_alert(struct input_chip *c)
{
	int enabled = SD_EVENT_OFF;

	if (c->alerted)
		return;
	if (sd_event_source_get_enabled(c->alert_timer, &enabled) >= 0 && enabled != SD_EVENT_OFF)
		return;
	(void) sd_event_source_set_time_relative(c->alert_timer, INPUTS_FAILED_ALERT_USEC);
	(void) sd_event_source_set_enabled(c->alert_timer, SD_EVENT_ONESHOT);
}

static int on_alert_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct input_chip *c = userdata;

	if (!c->error)
		return 0;
	c->alerted = true;
	for (size_t k = 0; k < c->n_members; k++)
		c->cb->failed(c->members[k], c->error);
	return 0;
}

static void chip_lost(struct input_chip *c, int error)
{
	log_warning("GPIO chip '%s' (%s) went away: %s; its inputs are unknown until it is "
		    "back, trying again every few seconds",
		    c->name, c->gpio ? input_gpio_path(c->gpio) : "?", strerror(-error));
	chip_close(c);
	free(c->error);
	c->error = strdup("the GPIO chip went away");
	c->failures = 0;
	for (size_t k = 0; k < c->n_members; k++)
		c->cb->lost(c->members[k]);
	c->cb->changed(c->inputs);
	chip_schedule_reopen(c);
	chip_arm_alert(c);
}

static void chip_feed(void *userdata, const struct input_gpio_feed *f)
{
	struct input_chip *c = userdata;
	struct input *i = c->members[f->index];

	log_debug("%s: %s%s", i->source, f->active ? "active" : "inactive",
		  f->sync ? " (level read after lost events)" : "");
	c->cb->level(i, f->active, f->at_usec, f->sync);
}

/*
 * Applies the events read in one go. When the kernel dropped some (its buffer
 * was full), the levels are read after the batch, never in the middle of it:
 * see input_gpio_seq_batch() for what is made of them.
 */
static void chip_events(struct input_chip *c, const struct input_gpio_event *ev, size_t n)
{
	bool *levels = NULL;

	if (input_gpio_seq_gap(c->seq, ev, n)) {
		log_debug("GPIO chip '%s': edge events lost (its buffer was full), re-reading the "
			  "levels",
			  c->name);
		levels = calloc(c->n_members, sizeof(*levels));
		if (levels && input_gpio_get_levels(c->gpio, levels) < 0) {
			free(levels);
			levels = NULL; /* the batch alone, then */
		}
	}
	input_gpio_seq_batch(c->seq, ev, n, levels, clock_monotonic_usec(), chip_feed, c);
	free(levels);
}

static int on_chip_io(sd_event_source *es, int fd, uint32_t revents, void *userdata)
{
	struct input_chip *c = userdata;
	struct input_gpio_event ev[EVENTS_PER_READ * READS_PER_DISPATCH];
	size_t n = 0;
	int r = -EAGAIN;

	for (int k = 0; k < READS_PER_DISPATCH; k++) {
		r = input_gpio_read(c->gpio, ev + n, EVENTS_PER_READ);
		if (r <= 0)
			break;
		n += (size_t) r;
	}
	if (n > 0)
		chip_events(c, ev, n);
	if (r == -EAGAIN && (revents & (EPOLLHUP | EPOLLERR)))
		r = -ENODEV;
	if (r < 0 && r != -EAGAIN)
		chip_lost(c, r);
	return 0;
}

static int on_check_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct input_chip *c = userdata;
	int r = c->gpio ? input_gpio_check(c->gpio) : 0;

	if (r < 0) {
		chip_lost(c, r);
		return 0;
	}
	(void) sd_event_source_set_time_relative(es, CHECK_USEC);
	return 0;
}

/* Something left the chip's directory: is the chip still there? */
static int on_dir_event(sd_event_source *es, const struct inotify_event *ev, void *userdata)
{
	struct input_chip *c = userdata;
	int r = c->gpio ? input_gpio_check(c->gpio) : 0;

	if (r < 0)
		chip_lost(c, r);
	return 0;
}

/*
 * Notices the chip going away (unbound, unplugged, a gpio-sim bank taken
 * down): its device node leaves its directory, and inotify says so. Nothing
 * polls while it stays. Where inotify cannot watch, a timer looks every
 * CHECK_USEC.
 */
static void watch_chip(struct input_chip *c)
{
	char *dir = strdup(input_gpio_path(c->gpio)), *slash = dir ? strrchr(dir, '/') : NULL;
	int r = -ENOMEM;

	if (slash) {
		*slash = '\0';
		r = sd_event_add_inotify(c->inputs->event, &c->watch, dir[0] ? dir : "/",
					 IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF |
					     IN_ONLYDIR,
					 on_dir_event, c);
	}
	if (r >= 0)
		r = event_source_describe(c->watch, "gpio-%s-watch", c->name);
	free(dir);
	if (r >= 0)
		return;
	log_debug("GPIO chip '%s': cannot watch its directory (%s); looking every %llu s", c->name,
		  strerror(-r), CHECK_USEC / 1000000ULL);
	c->watch = sd_event_source_disable_unref(c->watch);
	(void) sd_event_source_set_time_relative(c->check_timer, CHECK_USEC);
	(void) sd_event_source_set_enabled(c->check_timer, SD_EVENT_ON);
}

/* Opens the chip; a failure is logged (at @level when it is news) and tried again later. */
int input_chip_open(struct input_chip *c, bool first)
{
	struct input_gpio_line *lines = calloc(c->n_members, sizeof(*lines));
	bool *momentary = calloc(c->n_members, sizeof(*momentary));
	static const enum input_gpio_bias biases[] = {
		[CONFIG_INPUT_BIAS_AS_IS] = INPUT_GPIO_BIAS_AS_IS,
		[CONFIG_INPUT_BIAS_PULL_UP] = INPUT_GPIO_BIAS_PULL_UP,
		[CONFIG_INPUT_BIAS_PULL_DOWN] = INPUT_GPIO_BIAS_PULL_DOWN,
		[CONFIG_INPUT_BIAS_DISABLED] = INPUT_GPIO_BIAS_DISABLED,
	};
	char *error = NULL;
	bool news;
	int r;

	if (!lines || !momentary) {
		free(lines);
		free(momentary);
		return -ENOMEM;
	}
	for (size_t k = 0; k < c->n_members; k++) {
		const struct config_input *cfg = c->members[k]->cfg;

		momentary[k] = cfg->role == CONFIG_INPUT_ROLE_CRAMP_BUTTON;
		lines[k] = (struct input_gpio_line){ .input = cfg->name,
						     .line = cfg->gpio_line,
						     .active_low = cfg->active_low,
						     .bias = biases[cfg->bias],
						     .debounce_usec = cfg->debounce_usec };
	}
	r = input_gpio_open(NULL, c->name, lines, c->n_members, &c->gpio, &error);
	free(lines);
	if (r >= 0)
		r = input_gpio_seq_new(c->n_members, momentary, &c->seq);
	free(momentary);
	if (r >= 0)
		r = sd_event_add_io(c->inputs->event, &c->io, input_gpio_fd(c->gpio), EPOLLIN,
				    on_chip_io, c);
	if (r >= 0)
		r = event_source_describe(c->io, "gpio-%s", c->name);
	/* Edges first: an edge and a delay running out together are decided in order. */
	if (r >= 0)
		r = sd_event_source_set_priority(c->io, SD_EVENT_PRIORITY_IMPORTANT);
	if (r >= 0)
		r = chip_sync(c);
	if (r < 0) {
		const char *why = error ? error : strerror(-r);
		bool was_failed = c->error;

		news = first || !c->error || strcmp(c->error, why) != 0;
		log_write(news ? LOG_LEVEL_ERROR : LOG_LEVEL_DEBUG,
			  "%s%s: %s; trying again in a while", c->members[0]->source,
			  c->n_members > 1 ? " and the other inputs on its chip" : "", why);
		free(c->error);
		c->error = strdup(why);
		free(error);
		chip_close(c);
		c->failures++;
		chip_schedule_reopen(c);
		chip_arm_alert(c);
		/* What a reload carried over is not read any more: unknown, not frozen. */
		if (chip_forget(c) || !was_failed)
			c->cb->changed(c->inputs);
		return r;
	}
	if (c->error) {
		log_info("GPIO chip '%s' (%s) is open again", c->name, input_gpio_path(c->gpio));
		c->cb->changed(c->inputs);
	}
	c->error = (free(c->error), NULL);
	c->failures = 0;
	c->alerted = false;
	(void) sd_event_source_set_enabled(c->alert_timer, SD_EVENT_OFF);
	/* Also an alert the inputs before a reload or a restart raised. */
	for (size_t k = 0; k < c->n_members; k++)
		c->cb->back(c->members[k]);
	watch_chip(c);
	return 0;
}

static int on_reopen_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	(void) input_chip_open(userdata, false);
	return 0;
}

static struct input_chip *chip_for(struct inputs *in, const char *name)
{
	for (size_t k = 0; k < in->n_chips; k++)
		if (strcmp(in->chips[k].name, name) == 0)
			return &in->chips[k];
	return NULL;
}

int input_chip_add(struct inputs *in, struct input *i, const char *name,
		   const struct input_chip_callbacks *cb)
{
	struct input_chip *c = chip_for(in, name);
	struct input **members;
	int r;

	if (!c) {
		c = &in->chips[in->n_chips++];
		c->inputs = in;
		c->cb = cb;
		c->name = name;
		r = sd_event_add_time(in->event, &c->reopen_timer, CLOCK_MONOTONIC, 0, 0,
				      on_reopen_timer, c);
		if (r >= 0)
			r = event_source_describe(c->reopen_timer, "gpio-%s-reopen", name);
		if (r < 0)
			return r;
		(void) sd_event_source_set_enabled(c->reopen_timer, SD_EVENT_OFF);
		r = sd_event_add_time(in->event, &c->check_timer, CLOCK_MONOTONIC, 0, 0,
				      on_check_timer, c);
		if (r >= 0)
			r = event_source_describe(c->check_timer, "gpio-%s-check", name);
		if (r < 0)
			return r;
		(void) sd_event_source_set_enabled(c->check_timer, SD_EVENT_OFF);
		r = event_add_idle_timer(in->event, &c->alert_timer, on_alert_timer, c,
					 "gpio-%s-alert", name);
		if (r < 0)
			return r;
	}
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, one pointer each. */
	members = realloc(c->members, (c->n_members + 1) * sizeof(*members));
	if (!members)
		return -ENOMEM;
	c->members = members;
	i->chip = c;
	i->index = c->n_members;
	c->members[c->n_members++] = i;
	return 0;
}

void input_chip_stop(struct input_chip *c)
{
	chip_close(c);
	(void) sd_event_source_set_enabled(c->reopen_timer, SD_EVENT_OFF);
	(void) sd_event_source_set_enabled(c->alert_timer, SD_EVENT_OFF);
}

void input_chip_done(struct input_chip *c)
{
	chip_close(c);
	c->reopen_timer = sd_event_source_disable_unref(c->reopen_timer);
	c->check_timer = sd_event_source_disable_unref(c->check_timer);
	c->alert_timer = sd_event_source_disable_unref(c->alert_timer);
	free(c->members);
	c->members = NULL;
	c->n_members = 0;
	c->error = (free(c->error), NULL);
}
