#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Bed inputs on one GPIO chip, through libgpiod v2: the lines given in one
 * request (consumer "bedroomd"), as inputs with edge detection on both edges,
 * the kernel's debounce, a bias and active-low as configured, and
 * CLOCK_MONOTONIC event timestamps. The daemon requests each input's line on
 * its own, so that a line that cannot be requested takes no other input down.
 * It watches input_gpio_fd() for EPOLLIN in its event loop and calls
 * input_gpio_read(); nothing is polled.
 *
 * Library code: returns -errno, never logs. Where a person has to act (chip
 * not found, line not found, line busy, permission denied, a setting the
 * kernel refuses) the error comes with a message saying what to do.
 */

struct input_gpio;

#define INPUT_GPIO_CONSUMER "bedroomd"

enum input_gpio_bias {
	INPUT_GPIO_BIAS_AS_IS,
	INPUT_GPIO_BIAS_PULL_UP,
	INPUT_GPIO_BIAS_PULL_DOWN,
	INPUT_GPIO_BIAS_DISABLED,
};

struct input_gpio_line {
	const char *input; /* the input's name, for messages; borrowed */
	const char *line;  /* a line name ("GPIO17") or an offset ("17"); borrowed */
	bool active_low;   /* the line is active when low */
	enum input_gpio_bias bias;
	uint64_t debounce_usec; /* kernel debounce; 0: none */
};

struct input_gpio_event {
	size_t index;             /* of the line, in the array given to input_gpio_open() */
	bool active;              /* the line became active (active_low applied) */
	uint64_t timestamp_ns;    /* CLOCK_MONOTONIC, from the kernel */
	unsigned long seqno;      /* of the event in the request */
	unsigned long line_seqno; /* of the event on its line */
};

/*
 * Opens @chip (a name such as "gpiochip0", a label such as "pinctrl-bcm2711"
 * or a path; names and labels are looked up in @dev_dir, NULL: "/dev") and
 * requests the @n_lines lines (copied). Returns 0 and the request in *ret, or
 * a negative errno and a newly allocated message for a person in *ret_error
 * (free it): -ENOENT chip or line not found, -EACCES/-EPERM no permission,
 * -EBUSY a line is held by another consumer, -EINVAL a line given twice or an
 * offset beyond the chip, -ENOMEM; the kernel's own error when it refuses
 * edge detection on a line (one without an interrupt). *ret and *ret_error
 * are untouched on success and failure respectively.
 *
 * Where the kernel refuses a request with debounce (-EINVAL, -EOPNOTSUPP,
 * -ENXIO: the line's driver cannot debounce, nor can the kernel without an
 * interrupt), the lines are requested again at once without it: then
 * input_gpio_kernel_debounce() is false and input_gpio_note() says so.
 */
int input_gpio_open(const char *dev_dir, const char *chip, const struct input_gpio_line *lines,
		    size_t n_lines, struct input_gpio **ret, char **ret_error);

/*
 * Finds @chip as input_gpio_open() does and opens it, requesting nothing:
 * whether the chip is there for the lines to be requested one by one. Returns
 * 0 and its path in *ret_path (free it), or a negative errno and a message in
 * *ret_error as input_gpio_open() (chip not found, no permission, not a GPIO
 * chip).
 */
int input_gpio_probe(const char *dev_dir, const char *chip, char **ret_path, char **ret_error);

/*
 * Whether the kernel debounces the lines as asked (or none was asked);
 * false: it refused, and they were requested without its debounce.
 */
bool input_gpio_kernel_debounce(const struct input_gpio *g);

/* What the request had to do without, for a person (owned by @g), or NULL. */
const char *input_gpio_note(const struct input_gpio *g);

/* Releases the lines and closes the chip; accepts NULL; returns NULL. */
struct input_gpio *input_gpio_close(struct input_gpio *g);

/* The request's fd, for EPOLLIN; owned by @g: do not close it. */
int input_gpio_fd(const struct input_gpio *g);

/* The chip's path ("/dev/gpiochip0"), owned by @g. */
const char *input_gpio_path(const struct input_gpio *g);

/* The offset of line @index on the chip. */
unsigned input_gpio_offset(const struct input_gpio *g, size_t index);

/*
 * The current level of every line (active_low applied) into @ret, an array of
 * the lines' count. Returns 0 or a negative errno (-ENODEV: the chip is gone).
 */
int input_gpio_get_levels(struct input_gpio *g, bool *ret);

/*
 * Whether the chip is still there: 0 while its device node is the one that was
 * opened, -ENODEV once it is gone (or replaced). Linux 6.1 does not hang up a
 * line request when its chip is removed, so the daemon asks every few seconds.
 */
int input_gpio_check(const struct input_gpio *g);

/*
 * Reads the waiting edge events, at most @max, into @events without blocking.
 * Returns how many (> 0), -EAGAIN when none wait, -ENODEV when the chip has
 * gone away (close it and open it again later), or another negative errno.
 */
int input_gpio_read(struct input_gpio *g, struct input_gpio_event *events, size_t max);

/*
 * Lost edge events. The kernel keeps a request's edge events in one buffer
 * and, when it is full, drops the oldest; the sequence numbers tell: seqno
 * counts the request's events, line_seqno each line's (both from 1 for a new
 * request). What it all decides is pure: events, levels and times come in as
 * arguments, what to tell each input goes out as feeds. No libgpiod here: the
 * unit tests drive it directly.
 *
 * A batch is applied in order, and only after it, when events were dropped
 * that no line's own line_seqno accounts for, are the levels of the lines
 * that may have lost them taken as read after the batch. A "momentary" line
 * (a cramp button) whose lost edges held a press gets that press fed as an
 * edge: a lost press is worse than an extra one, which the cramp tracker's
 * repeat window merges anyway. Other lines get levels as levels (a sync),
 * never made-up edges. A momentary line's press that finds it already active
 * as last fed (its release ignored as bounce, or the level read at the
 * request came after this edge) gets that release fed first, as a level: the
 * press is one.
 */

struct input_gpio_seq;

/* One thing to tell the input of line @index. */
struct input_gpio_feed {
	size_t index;
	bool active;
	uint64_t at_usec; /* CLOCK_MONOTONIC */
	bool sync;        /* a level read, not an edge: never a press or a movement */
};

/*
 * A tracker for a request of @n_lines lines, as just requested (no event yet);
 * @momentary[i]: line i is a button whose presses must not be lost. Returns 0
 * and the tracker in *ret (free it with input_gpio_seq_free()), or -ENOMEM /
 * -EINVAL; *ret is untouched on failure.
 */
int input_gpio_seq_new(size_t n_lines, const bool *momentary, struct input_gpio_seq **ret);

/* Accepts NULL; returns NULL. */
struct input_gpio_seq *input_gpio_seq_free(struct input_gpio_seq *s);

/*
 * Debounces momentary line @index in user space, where the kernel refused to:
 * an edge within @debounce_usec after the last edge fed for the line is
 * bounce, and ignored. The first edge of a burst counts at once, so a press is
 * never held back; a release ignored as bounce is said (as a level) before the
 * next press, so that press is one. A line that is not momentary is left
 * alone: its last edge in a burst could be ignored and its level stay wrong.
 */
void input_gpio_seq_set_debounce(struct input_gpio_seq *s, size_t index, uint64_t debounce_usec);

/* The levels read when the lines were requested (@levels: one per line): remembered. */
void input_gpio_seq_set_levels(struct input_gpio_seq *s, const bool *levels);

/*
 * Whether the @n events @ev (read in this order) show dropped events: then
 * read the levels after reading the batch and give them to
 * input_gpio_seq_batch(). Does not change @s.
 */
bool input_gpio_seq_gap(const struct input_gpio_seq *s, const struct input_gpio_event *ev,
			size_t n);

/*
 * Applies the batch @ev (@n events, in the order read): calls @feed with
 * @userdata for every edge and for what events lost in it make necessary.
 * @levels: one per line, read after the batch, or NULL when not read (then
 * lost events are not made up for). @now_usec: when they were read.
 */
void input_gpio_seq_batch(struct input_gpio_seq *s, const struct input_gpio_event *ev, size_t n,
			  const bool *levels, uint64_t now_usec,
			  void (*feed)(void *userdata, const struct input_gpio_feed *f),
			  void *userdata);
