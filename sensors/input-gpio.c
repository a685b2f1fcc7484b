#include "sensors/input-gpio.h"

#include <assert.h>
#include <errno.h>
#include <gpiod.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sensors/bed-gpio-find.h"

/* Edge events read per call at most; more stay in the kernel's buffer for the next. */
#define EVENT_BUFFER_SIZE 32

/*
 * The kernel's buffer of edge events, one for all the lines of the request
 * (the daemon requests each input's line on its own, so a chattering sensor
 * fills only its own): when it is full, the oldest is dropped. 1024 is the most the kernel gives
 * (GPIO_V2_LINES_MAX * 16; more is cut to that) and costs 48 KiB of kernel
 * memory (48-byte events). The default would be 16 per line; the 64 of
 * before hold 0.2 s of a vibration sensor (no debounce) chattering at 300
 * edges a second, less than an fsync on an SD card can block the loop; 1024
 * hold 3 s of it. A loss is still handled (input_gpio_seq_*).
 */
#define KERNEL_EVENT_BUFFER_SIZE 1024

/*
 * The kernel's own ENOTSUPP (not ENOTSUP/EOPNOTSUPP): a driver's "cannot
 * debounce" that gpiolib may let out to user space.
 */
#define KERNEL_ENOTSUPP 524

struct input_gpio {
	char *path;
	struct gpiod_line_request *request;
	struct gpiod_edge_event_buffer *buffer;
	size_t n_lines;
	unsigned *offsets; /* by line index */
	dev_t rdev;        /* the chip's device node, to notice it going away */
	ino_t ino;
	bool without_debounce; /* the kernel refused the debounce asked for */
	char *note;            /* what the request did without, for a person */
};

struct input_gpio *input_gpio_close(struct input_gpio *g)
{
	if (!g)
		return NULL;
	if (g->request)
		gpiod_line_request_release(g->request);
	gpiod_edge_event_buffer_free(g->buffer);
	free(g->offsets);
	free(g->note);
	free(g->path);
	free(g);
	return NULL;
}

static int fail(char **ret_error, char *msg, int r)
{
	if (!msg)
		return -ENOMEM;
	*ret_error = msg;
	return r;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

/* Finds the offsets of every line; an error names the line and what the chip has. */
static int find_lines(struct input_gpio *g, struct gpiod_chip *chip, const char *dev_dir,
		      const struct input_gpio_line *lines, char **ret_error)
{
	struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
	size_t num = info ? gpiod_chip_info_get_num_lines(info) : 0;

	gpiod_chip_info_free(info);
	if (!info)
		return fail(ret_error, format("cannot read GPIO chip %s: %m", g->path), -errno);
	for (size_t i = 0; i < g->n_lines; i++) {
		const char *s = lines[i].line;
		int off;

		if (*s && strspn(s, "0123456789") == strlen(s)) {
			unsigned long v = strtoul(s, NULL, 10);

			if (strlen(s) > 9 || v >= num)
				return fail(ret_error,
					    format("input '%s': line offset %s is beyond %s, which "
						   "has lines 0 to %zu: set line = to one of them",
						   lines[i].input, s, g->path, num - 1),
					    -EINVAL);
			off = (int) v;
		} else {
			off = gpiod_chip_get_line_offset_from_name(chip, s);
			if (off < 0)
				return fail(ret_error,
					    bed_gpio_line_missing_message(dev_dir, g->path,
									  lines[i].input, s),
					    -ENOENT);
		}
		g->offsets[i] = (unsigned) off;
		for (size_t j = 0; j < i; j++)
			if (g->offsets[j] == g->offsets[i])
				return fail(ret_error,
					    format("inputs '%s' and '%s' both use line %u of %s; "
						   "give each input its own line",
						   lines[j].input, lines[i].input, g->offsets[i],
						   g->path),
					    -EINVAL);
	}
	return 0;
}

/* What the request asks of the kernel beyond plain inputs. */
enum {
	ASK_EDGES = 1 << 0,    /* edge events on both edges */
	ASK_DEBOUNCE = 1 << 1, /* the kernel's debounce, where one is configured */
};

static struct gpiod_line_settings *settings_for(const struct input_gpio_line *l, unsigned ask)
{
	static const enum gpiod_line_bias biases[] = {
		[INPUT_GPIO_BIAS_AS_IS] = GPIOD_LINE_BIAS_AS_IS,
		[INPUT_GPIO_BIAS_PULL_UP] = GPIOD_LINE_BIAS_PULL_UP,
		[INPUT_GPIO_BIAS_PULL_DOWN] = GPIOD_LINE_BIAS_PULL_DOWN,
		[INPUT_GPIO_BIAS_DISABLED] = GPIOD_LINE_BIAS_DISABLED,
	};
	struct gpiod_line_settings *s = gpiod_line_settings_new();

	if (!s)
		return NULL;
	if (gpiod_line_settings_set_direction(s, GPIOD_LINE_DIRECTION_INPUT) < 0 ||
	    gpiod_line_settings_set_edge_detection(s, ask & ASK_EDGES ? GPIOD_LINE_EDGE_BOTH
								      : GPIOD_LINE_EDGE_NONE) < 0 ||
	    gpiod_line_settings_set_bias(s, biases[l->bias]) < 0 ||
	    gpiod_line_settings_set_event_clock(s, GPIOD_LINE_CLOCK_MONOTONIC) < 0) {
		gpiod_line_settings_free(s);
		return NULL;
	}
	gpiod_line_settings_set_active_low(s, l->active_low);
	gpiod_line_settings_set_debounce_period_us(
	    s, ask & ASK_DEBOUNCE ? (unsigned long) l->debounce_usec : 0);
	return s;
}

/* One try at requesting the lines with @ask: 0 and the request in *ret, or -errno. */
static int try_request(const struct input_gpio *g, struct gpiod_chip *chip,
		       const struct input_gpio_line *lines, unsigned ask,
		       struct gpiod_line_request **ret)
{
	struct gpiod_request_config *req_cfg = gpiod_request_config_new();
	struct gpiod_line_config *line_cfg = gpiod_line_config_new();
	struct gpiod_line_request *request;
	int r = -ENOMEM;

	if (!req_cfg || !line_cfg)
		goto out;
	gpiod_request_config_set_consumer(req_cfg, INPUT_GPIO_CONSUMER);
	gpiod_request_config_set_event_buffer_size(req_cfg, KERNEL_EVENT_BUFFER_SIZE);
	for (size_t i = 0; i < g->n_lines; i++) {
		struct gpiod_line_settings *s = settings_for(&lines[i], ask);

		r = s ? gpiod_line_config_add_line_settings(line_cfg, &g->offsets[i], 1, s) : -1;
		r = r < 0 ? (s ? -errno : -ENOMEM) : 0;
		gpiod_line_settings_free(s);
		if (r < 0)
			goto out;
	}
	request = gpiod_chip_request_lines(chip, req_cfg, line_cfg);
	r = request ? 0 : (errno ? -errno : -EIO);
	if (request)
		*ret = request;
out:
	gpiod_line_config_free(line_cfg);
	gpiod_request_config_free(req_cfg);
	return r;
}

/*
 * Whether the kernel's answer @r may be about what was asked of the lines
 * rather than the lines: a debounce the line's driver cannot do (and the
 * kernel not in software, without an interrupt), or edge detection without an
 * interrupt. -EOPNOTSUPP is -ENOTSUP on Linux.
 */
static bool refused_setting(int r)
{
	return r == -EINVAL || r == -EOPNOTSUPP || r == -ENXIO || r == -ENODEV ||
	       r == -KERNEL_ENOTSUPP;
}

static bool asks_debounce(const struct input_gpio *g, const struct input_gpio_line *lines)
{
	for (size_t i = 0; i < g->n_lines; i++)
		if (lines[i].debounce_usec > 0)
			return true;
	return false;
}

/*
 * "input 'left' (line 'GPIO22', offset 22 on /dev/gpiochip0)", each line's,
 * with its debounce when @debounce; NULL: out of memory.
 */
static char *describe_lines(const struct input_gpio *g, const struct input_gpio_line *lines,
			    bool debounce)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		return NULL;
	for (size_t i = 0; i < g->n_lines; i++) {
		if (debounce && lines[i].debounce_usec == 0)
			continue;
		fprintf(f, "%sinput '%s' (line '%s', offset %u on %s", i ? ", " : "",
			lines[i].input, lines[i].line, g->offsets[i], g->path);
		if (debounce)
			fprintf(f, ", debounce %g ms", (double) lines[i].debounce_usec / 1000.0);
		fputc(')', f);
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The message for a request that failed with @r, or NULL (out of memory). */
static char *request_message(const struct input_gpio *g, const struct input_gpio_line *lines, int r,
			     bool edges_refused)
{
	char *what = describe_lines(g, lines, false), *msg = NULL;
	const char **names = NULL, **inputs = NULL;

	if (!what)
		return NULL;
	if (edges_refused) {
		msg = format("%s cannot report changes: the kernel refused edge detection on it "
			     "(%s), as on a line without an interrupt (on an I2C or SPI GPIO "
			     "expander whose interrupt pin is not wired or not given in its "
			     "dtoverlay=); move the input to a GPIO of the Pi itself (gpiochip0), "
			     "or wire the expander's interrupt",
			     what, strerror(-r));
	} else if (r == -EBUSY) {
		names = calloc(g->n_lines, sizeof(*names));
		inputs = calloc(g->n_lines, sizeof(*inputs));
		for (size_t i = 0; names && inputs && i < g->n_lines; i++) {
			names[i] = lines[i].line;
			inputs[i] = lines[i].input;
		}
		if (names && inputs)
			msg = bed_gpio_busy_message(g->path, g->offsets, names, inputs, g->n_lines);
	} else {
		msg = format("%s: the kernel refused the request: %s", what, strerror(-r));
	}
	free(names);
	free(inputs);
	free(what);
	return msg;
}

/*
 * Requests the lines: with the kernel's debounce, else (refused) at once
 * without it; still refused, a request without edge detection tells whether
 * edges are what the kernel cannot do on them.
 */
static int request(struct input_gpio *g, struct gpiod_chip *chip,
		   const struct input_gpio_line *lines, char **ret_error)
{
	struct gpiod_line_request *probe = NULL;
	bool edges_refused = false;
	int r, first;

	first = r = try_request(g, chip, lines, ASK_EDGES | ASK_DEBOUNCE, &g->request);
	if (r >= 0 || r == -ENOMEM)
		return r;
	if (refused_setting(r) && asks_debounce(g, lines)) {
		r = try_request(g, chip, lines, ASK_EDGES, &g->request);
		if (r >= 0) {
			char *what = describe_lines(g, lines, true);

			g->without_debounce = true;
			g->note = what ? format("%s: the kernel refused this debounce (%s); "
						"requested without the kernel's debounce",
						what, strerror(-first))
				       : NULL;
			free(what);
			return 0;
		}
		if (r == -ENOMEM)
			return r;
	}
	if (refused_setting(r) && try_request(g, chip, lines, 0, &probe) >= 0) {
		gpiod_line_request_release(probe);
		edges_refused = true;
	}
	return fail(ret_error, request_message(g, lines, r, edges_refused), r);
}

static void remember_node(struct input_gpio *g, struct gpiod_chip *chip)
{
	struct stat st;

	if (fstat(gpiod_chip_get_fd(chip), &st) == 0) {
		g->rdev = st.st_rdev;
		g->ino = st.st_ino;
	}
}

int input_gpio_open(const char *dev_dir, const char *chip, const struct input_gpio_line *lines,
		    size_t n_lines, struct input_gpio **ret, char **ret_error)
{
	struct gpiod_chip *c = NULL;
	struct input_gpio *g;
	int r;

	assert(ret);
	assert(ret_error);
	if (!dev_dir)
		dev_dir = "/dev";
	if (n_lines == 0)
		return -EINVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->n_lines = n_lines;
	g->offsets = calloc(n_lines, sizeof(*g->offsets));
	g->buffer = gpiod_edge_event_buffer_new(EVENT_BUFFER_SIZE);
	if (!g->offsets || !g->buffer) {
		r = -ENOMEM;
		goto out;
	}
	r = bed_gpio_find_chip(dev_dir, chip, &g->path, ret_error);
	if (r < 0)
		goto out;
	c = gpiod_chip_open(g->path);
	if (!c) {
		r = -errno;
		r = fail(ret_error, bed_gpio_open_message(g->path, r), r);
		goto out;
	}
	remember_node(g, c);
	r = find_lines(g, c, dev_dir, lines, ret_error);
	if (r >= 0)
		r = request(g, c, lines, ret_error);
out:
	if (c)
		gpiod_chip_close(c);
	if (r < 0) {
		input_gpio_close(g);
		return r;
	}
	*ret = g;
	return 0;
}

int input_gpio_probe(const char *dev_dir, const char *chip, char **ret_path, char **ret_error)
{
	struct gpiod_chip *c;
	char *path = NULL;
	int r;

	assert(ret_path);
	assert(ret_error);
	r = bed_gpio_find_chip(dev_dir ? dev_dir : "/dev", chip, &path, ret_error);
	if (r < 0)
		return r;
	c = gpiod_chip_open(path);
	if (!c) {
		r = -errno;
		r = fail(ret_error, bed_gpio_open_message(path, r), r);
		free(path);
		return r;
	}
	gpiod_chip_close(c);
	*ret_path = path;
	return 0;
}

bool input_gpio_kernel_debounce(const struct input_gpio *g)
{
	assert(g);
	return !g->without_debounce;
}

const char *input_gpio_note(const struct input_gpio *g)
{
	assert(g);
	return g->note;
}

int input_gpio_fd(const struct input_gpio *g)
{
	assert(g);
	return gpiod_line_request_get_fd(g->request);
}

const char *input_gpio_path(const struct input_gpio *g)
{
	assert(g);
	return g->path;
}

unsigned input_gpio_offset(const struct input_gpio *g, size_t index)
{
	assert(g);
	return g->offsets[index];
}

int input_gpio_get_levels(struct input_gpio *g, bool *ret)
{
	bool *levels = calloc(g->n_lines, sizeof(*levels));

	assert(g);
	assert(ret);
	if (!levels)
		return -ENOMEM;
	for (size_t i = 0; i < g->n_lines; i++) {
		enum gpiod_line_value v = gpiod_line_request_get_value(g->request, g->offsets[i]);

		if (v == GPIOD_LINE_VALUE_ERROR) {
			int r = errno ? -errno : -EIO;

			free(levels);
			return r;
		}
		levels[i] = v == GPIOD_LINE_VALUE_ACTIVE;
	}
	memcpy(ret, levels, g->n_lines * sizeof(*levels));
	free(levels);
	return 0;
}

int input_gpio_check(const struct input_gpio *g)
{
	struct stat st;

	assert(g);
	if (stat(g->path, &st) < 0)
		return errno == ENOENT || errno == ENODEV ? -ENODEV : -errno;
	if (st.st_rdev != g->rdev || st.st_ino != g->ino)
		return -ENODEV;
	return 0;
}

static size_t index_of(const struct input_gpio *g, unsigned offset)
{
	for (size_t i = 0; i < g->n_lines; i++)
		if (g->offsets[i] == offset)
			return i;
	return g->n_lines;
}

int input_gpio_read(struct input_gpio *g, struct input_gpio_event *events, size_t max)
{
	size_t n = 0;
	int r;

	assert(g);
	r = gpiod_line_request_wait_edge_events(g->request, 0);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -EAGAIN;
	if (max > EVENT_BUFFER_SIZE)
		max = EVENT_BUFFER_SIZE;
	r = gpiod_line_request_read_edge_events(g->request, g->buffer, max);
	if (r < 0)
		return errno == ENODEV || errno == EIO ? -ENODEV : -errno;
	for (int i = 0; i < r; i++) {
		struct gpiod_edge_event *e = gpiod_edge_event_buffer_get_event(g->buffer, i);
		size_t index = e ? index_of(g, gpiod_edge_event_get_line_offset(e)) : g->n_lines;

		if (index == g->n_lines)
			continue;
		events[n++] = (struct input_gpio_event){
			.index = index,
			.active =
			    gpiod_edge_event_get_event_type(e) == GPIOD_EDGE_EVENT_RISING_EDGE,
			.timestamp_ns = gpiod_edge_event_get_timestamp_ns(e),
			.seqno = gpiod_edge_event_get_global_seqno(e),
			.line_seqno = gpiod_edge_event_get_line_seqno(e),
		};
	}
	return n > 0 ? (int) n : -EAGAIN;
}
