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

/* Arms @timer for the next try after @failures failures, with back-off and jitter. */
static void schedule_reopen(sd_event_source *timer, unsigned failures)
{
	uint64_t delay =
	    backoff_delay_usec(failures, random_u32(), REOPEN_MIN_USEC, REOPEN_MAX_USEC);

	(void) sd_event_source_set_time_relative(timer, delay);
	(void) sd_event_source_set_enabled(timer, SD_EVENT_ONESHOT);
}

/* A failure: @timer's alert is due INPUTS_FAILED_ALERT_USEC after the first one. */
static void arm_alert(sd_event_source *timer, bool alerted)
{
	int enabled = SD_EVENT_OFF;

	if (alerted)
		return;
	if (sd_event_source_get_enabled(timer, &enabled) >= 0 && enabled != SD_EVENT_OFF)
		return;
	(void) sd_event_source_set_time_relative(timer, INPUTS_FAILED_ALERT_USEC);
	(void) sd_event_source_set_enabled(timer, SD_EVENT_ONESHOT);
}

/* ---- one input's line: a request of its own ---- */

static void line_close(struct input_line *l)
{
	l->io = sd_event_source_disable_unref(l->io);
	l->gpio = input_gpio_close(l->gpio);
	l->seq = input_gpio_seq_free(l->seq);
}

/*
 * The line is not read: its input's level is no longer known (an input
 * adopted through a reload would otherwise keep saying "in bed" for good).
 * Returns whether the input knew something.
 */
static bool line_forget(struct input_line *l)
{
	struct input *i = l->input;

	if (!i->have_level && i->occupancy.state == BED_OCCUPANCY_STATE_UNKNOWN)
		return false;
	l->chip->cb->lost(i);
	return true;
}

/* Releases every line and stops what only an open chip does. */
static void chip_close(struct input_chip *c)
{
	(void) sd_event_source_set_enabled(c->check_timer, SD_EVENT_OFF);
	c->watch = sd_event_source_disable_unref(c->watch);
	for (size_t k = 0; k < c->n_members; k++) {
		struct input_line *l = c->members[k]->line;

		if (!l) /* input_chip_add() failed */
			continue;
		line_close(l);
		/* The chip's own reopening and alert stand for its lines'. */
		(void) sd_event_source_set_enabled(l->reopen_timer, SD_EVENT_OFF);
		(void) sd_event_source_set_enabled(l->alert_timer, SD_EVENT_OFF);
	}
	c->path = (free(c->path), NULL);
}

static void chip_lost(struct input_chip *c, int error)
{
	log_warning("GPIO chip '%s' (%s) went away: %s; its inputs are unknown until it is "
		    "back, trying again every few seconds",
		    c->name, c->path ? c->path : "?", strerror(-error));
	chip_close(c);
	free(c->error);
	c->error = strdup("the GPIO chip went away");
	c->failures = 0;
	for (size_t k = 0; k < c->n_members; k++)
		c->cb->lost(c->members[k]);
	c->cb->changed(c->inputs);
	schedule_reopen(c->reopen_timer, c->failures);
	arm_alert(c->alert_timer, c->alerted);
}

static void line_feed(void *userdata, const struct input_gpio_feed *f)
{
	struct input_line *l = userdata;
	struct input *i = l->input;

	log_debug("%s: %s%s", i->source, f->active ? "active" : "inactive",
		  f->sync ? " (level read after lost events)" : "");
	l->chip->cb->level(i, f->active, f->at_usec, f->sync);
}

/* Reads the level (just after the request) and feeds it as a level, not an edge. */
static int line_sync(struct input_line *l)
{
	uint64_t now = clock_monotonic_usec();
	bool level = false;
	int r;

	r = input_gpio_get_levels(l->gpio, &level);
	if (r < 0)
		return r;
	input_gpio_seq_set_levels(l->seq, &level);
	l->chip->cb->level(l->input, level, now, true);
	return 0;
}

/*
 * Applies the events read in one go. When the kernel dropped some (its buffer
 * was full), the level is read after the batch, never in the middle of it:
 * see input_gpio_seq_batch() for what is made of it.
 */
static void line_events(struct input_line *l, const struct input_gpio_event *ev, size_t n)
{
	bool level = false, have_level = false;

	if (input_gpio_seq_gap(l->seq, ev, n)) {
		log_debug("%s: edge events lost (its buffer was full), re-reading the level",
			  l->input->source);
		have_level = input_gpio_get_levels(l->gpio, &level) >= 0;
	}
	input_gpio_seq_batch(l->seq, ev, n, have_level ? &level : NULL, clock_monotonic_usec(),
			     line_feed, l);
}

static int on_line_io(sd_event_source *es, int fd, uint32_t revents, void *userdata)
{
	struct input_line *l = userdata;
	struct input_gpio_event ev[EVENTS_PER_READ * READS_PER_DISPATCH];
	size_t n = 0;
	int r = -EAGAIN;

	for (int k = 0; k < READS_PER_DISPATCH; k++) {
		r = input_gpio_read(l->gpio, ev + n, EVENTS_PER_READ);
		if (r <= 0)
			break;
		n += (size_t) r;
	}
	if (n > 0)
		line_events(l, ev, n);
	if (r == -EAGAIN && (revents & (EPOLLHUP | EPOLLERR)))
		r = -ENODEV;
	if (r < 0 && r != -EAGAIN)
		chip_lost(l->chip, r);
	return 0;
}

/* The io source of the held line @l, read before the timers. */
static int line_watch(struct input_line *l)
{
	int r;

	r = sd_event_add_io(l->chip->inputs->event, &l->io, input_gpio_fd(l->gpio), EPOLLIN,
			    on_line_io, l);
	if (r >= 0)
		r = event_source_describe(l->io, "gpio-%s-%s", l->chip->name, l->input->cfg->name);
	/* Edges first: an edge and a delay running out together are decided in order. */
	if (r >= 0)
		r = sd_event_source_set_priority(l->io, SD_EVENT_PRIORITY_IMPORTANT);
	return r;
}

/* What bedroomd does about bounce where the kernel refused to debounce. */
static const char *without_debounce(const struct input *i)
{
	switch (i->cfg->role) {
	case CONFIG_INPUT_ROLE_CRAMP_BUTTON:
		return "bedroomd ignores this button's edges within the debounce of its last one "
		       "instead";
	case CONFIG_INPUT_ROLE_OCCUPANCY:
		return "on_delay and off_delay absorb the mat's bounce";
	case CONFIG_INPUT_ROLE_MOVEMENT:
		return "its bounce may count as extra movement; a SoC GPIO (gpiochip0) can "
		       "debounce";
	}
	return "its edges come unfiltered";
}

/* Says once (then at debug) what the request did without. */
static void line_say_note(struct input_line *l)
{
	const char *note = input_gpio_note(l->gpio);
	bool news;

	if (!note) {
		l->note = (free(l->note), NULL);
		return;
	}
	news = !l->note || strcmp(l->note, note) != 0;
	log_write(news ? LOG_LEVEL_WARNING : LOG_LEVEL_DEBUG, "%s: %s; %s", l->input->source, note,
		  without_debounce(l->input));
	if (news) {
		free(l->note);
		l->note = strdup(note);
	}
}

/* The line cannot be requested: said (at error level when it is news), retried on its own. */
static void line_failed(struct input_line *l, const char *why, bool first)
{
	bool was_failed = l->error, news = first || !l->error || strcmp(l->error, why) != 0;

	log_write(news ? LOG_LEVEL_ERROR : LOG_LEVEL_DEBUG,
		  "%s: %s; trying again in a while, the other inputs work meanwhile",
		  l->input->source, why);
	free(l->error);
	l->error = strdup(why);
	line_close(l);
	l->failures++;
	schedule_reopen(l->reopen_timer, l->failures);
	arm_alert(l->alert_timer, l->alerted);
	/* What a reload carried over is not read any more: unknown, not frozen. */
	if (line_forget(l) || !was_failed)
		l->chip->cb->changed(l->chip->inputs);
}

/* Requests the line of @l on its open chip, and reads its level. */
static int line_open(struct input_line *l, bool first)
{
	static const enum input_gpio_bias biases[] = {
		[CONFIG_INPUT_BIAS_AS_IS] = INPUT_GPIO_BIAS_AS_IS,
		[CONFIG_INPUT_BIAS_PULL_UP] = INPUT_GPIO_BIAS_PULL_UP,
		[CONFIG_INPUT_BIAS_PULL_DOWN] = INPUT_GPIO_BIAS_PULL_DOWN,
		[CONFIG_INPUT_BIAS_DISABLED] = INPUT_GPIO_BIAS_DISABLED,
	};
	const struct config_input *cfg = l->input->cfg;
	const struct input_gpio_line line = { .input = cfg->name,
					      .line = cfg->gpio_line,
					      .active_low = cfg->active_low,
					      .bias = biases[cfg->bias],
					      .debounce_usec = cfg->debounce_usec };
	const bool momentary = cfg->role == CONFIG_INPUT_ROLE_CRAMP_BUTTON;
	char *error = NULL;
	int r;

	r = input_gpio_open(NULL, l->chip->name, &line, 1, &l->gpio, &error);
	if (r >= 0)
		r = input_gpio_seq_new(1, &momentary, &l->seq);
	if (r >= 0 && momentary && !input_gpio_kernel_debounce(l->gpio))
		input_gpio_seq_set_debounce(l->seq, 0, cfg->debounce_usec);
	if (r >= 0)
		r = line_watch(l);
	if (r >= 0)
		r = line_sync(l);
	if (r < 0) {
		line_failed(l, error ? error : strerror(-r), first);
		free(error);
		return r;
	}
	line_say_note(l);
	if (l->error) {
		log_info("%s: line '%s' requested again", l->input->source, cfg->gpio_line);
		l->chip->cb->changed(l->chip->inputs);
	}
	l->error = (free(l->error), NULL);
	l->failures = 0;
	l->alerted = false;
	(void) sd_event_source_set_enabled(l->alert_timer, SD_EVENT_OFF);
	/* Also an alert the input before a reload or a restart raised. */
	l->chip->cb->back(l->input);
	return 0;
}

static int on_line_reopen(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct input_line *l = userdata;

	if (l->chip->path && !l->gpio) /* else the chip's own reopening does it */
		(void) line_open(l, false);
	return 0;
}

static int on_line_alert(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct input_line *l = userdata;

	if (!l->error || l->gpio)
		return 0;
	l->alerted = true;
	l->chip->cb->failed(l->input, l->error);
	return 0;
}

void input_line_adopt(struct input *i, const struct input *old)
{
	struct input_line *l = i->line, *o = old->line;

	if (!l || !o || !o->gpio || l->gpio)
		return;
	/* The request goes on as it was: the edges in its queue are read by the new input. */
	l->gpio = o->gpio;
	l->seq = o->seq;
	l->io = o->io;
	o->gpio = NULL;
	o->seq = NULL;
	o->io = NULL;
	(void) sd_event_source_set_userdata(l->io, l);
	free(l->note);
	l->note = o->note;
	o->note = NULL;
	log_debug("%s: its line request goes on through the reload", i->source);
}

const char *input_line_error(const struct input *i)
{
	if (!i->chip)
		return NULL;
	if (i->chip->error)
		return i->chip->error;
	return i->line ? i->line->error : NULL;
}

/* ---- the chip ---- */

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

/* Whether the chip of the held lines is still there: 0, or -ENODEV once it is gone. */
static int chip_check(const struct input_chip *c)
{
	for (size_t k = 0; k < c->n_members; k++) {
		const struct input_line *l = c->members[k]->line;
		int r = l->gpio ? input_gpio_check(l->gpio) : 0;

		if (r < 0)
			return r;
	}
	return 0;
}

static int on_check_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct input_chip *c = userdata;
	int r = chip_check(c);

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
	int r = chip_check(c);

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
	char *dir = strdup(c->path), *slash = dir ? strrchr(dir, '/') : NULL;
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

/* The chip cannot be opened: every input on it fails alike; said once for them all. */
static void chip_failed(struct input_chip *c, const char *why, bool first)
{
	bool was_failed = c->error, news = first || !c->error || strcmp(c->error, why) != 0;
	bool knew = false;

	log_write(news ? LOG_LEVEL_ERROR : LOG_LEVEL_DEBUG, "%s%s: %s; trying again in a while",
		  c->members[0]->source,
		  c->n_members > 1 ? " and the other inputs on its chip" : "", why);
	free(c->error);
	c->error = strdup(why);
	chip_close(c);
	c->failures++;
	schedule_reopen(c->reopen_timer, c->failures);
	arm_alert(c->alert_timer, c->alerted);
	/* What a reload carried over is not read any more: unknown, not frozen. */
	for (size_t k = 0; k < c->n_members; k++)
		knew = line_forget(c->members[k]->line) || knew;
	if (knew || !was_failed)
		c->cb->changed(c->inputs);
}

/* Opens the chip, then each line not held yet; a failure is logged and tried again later. */
int input_chip_open(struct input_chip *c, bool first)
{
	char *error = NULL, *path = NULL;
	int r, ret = 0;

	if (!c->path) {
		r = input_gpio_probe(NULL, c->name, &path, &error);
		if (r < 0) {
			chip_failed(c, error ? error : strerror(-r), first);
			free(error);
			return r;
		}
		c->path = path;
		if (c->error) {
			log_info("GPIO chip '%s' (%s) is open again", c->name, c->path);
			c->cb->changed(c->inputs);
		}
		c->error = (free(c->error), NULL);
		c->failures = 0;
		c->alerted = false;
		(void) sd_event_source_set_enabled(c->alert_timer, SD_EVENT_OFF);
		(void) sd_event_source_set_enabled(c->reopen_timer, SD_EVENT_OFF);
		watch_chip(c);
	}
	for (size_t k = 0; k < c->n_members; k++) {
		struct input_line *l = c->members[k]->line;

		if (l->gpio) /* held through a reload */
			continue;
		r = line_open(l, first);
		if (r < 0 && ret >= 0)
			ret = r;
	}
	return ret == -ENOMEM ? ret : 0;
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

/* The line of input @i on chip @c, with its own retry and alert timers, in i->line. */
static int line_add(struct input_chip *c, struct input *i)
{
	struct input_line *l = calloc(1, sizeof(*l));
	int r;

	if (!l)
		return -ENOMEM;
	l->chip = c;
	l->input = i;
	i->line = l;
	r = event_add_idle_timer(c->inputs->event, &l->reopen_timer, on_line_reopen, l,
				 "gpio-%s-%s-reopen", c->name, i->cfg->name);
	if (r >= 0)
		r = event_add_idle_timer(c->inputs->event, &l->alert_timer, on_line_alert, l,
					 "gpio-%s-%s-alert", c->name, i->cfg->name);
	return r;
}

static struct input_line *line_free(struct input_line *l)
{
	if (!l)
		return NULL;
	line_close(l);
	l->reopen_timer = sd_event_source_disable_unref(l->reopen_timer);
	l->alert_timer = sd_event_source_disable_unref(l->alert_timer);
	free(l->error);
	free(l->note);
	free(l);
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
		r = event_add_idle_timer(in->event, &c->reopen_timer, on_reopen_timer, c,
					 "gpio-%s-reopen", name);
		if (r < 0)
			return r;
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
	return line_add(c, i);
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
	for (size_t k = 0; k < c->n_members; k++)
		c->members[k]->line = line_free(c->members[k]->line);
	c->reopen_timer = sd_event_source_disable_unref(c->reopen_timer);
	c->check_timer = sd_event_source_disable_unref(c->check_timer);
	c->alert_timer = sd_event_source_disable_unref(c->alert_timer);
	free(c->members);
	c->members = NULL;
	c->n_members = 0;
	c->error = (free(c->error), NULL);
}
