#pragma once

#include <stddef.h>

/*
 * Internal to the GPIO backend (input-gpio.c): finding a chip by name, label
 * or path, and the messages for a person when something is not where the
 * configuration says. Every returned string is newly allocated (free it);
 * NULL means out of memory.
 */

/*
 * Resolves @chip (a path, a name in @dev_dir, or a chip label) to a device
 * path in *ret_path. Returns 0, or -ENOENT with a message listing the chips
 * found in *ret_error, or -ENOMEM.
 */
int bed_gpio_find_chip(const char *dev_dir, const char *chip, char **ret_path, char **ret_error);

/* "gpiochip0 [pinctrl-bcm2711, 58 lines], ..." for the chips in @dev_dir, or "none". */
char *bed_gpio_list_chips(const char *dev_dir);

/* What to do when opening @path failed with @error (a negative errno). */
char *bed_gpio_open_message(const char *path, int error);

/*
 * Line @line is not on the chip at @path (for input @input): lists the chip's
 * line names, and says which other chip in @dev_dir has it.
 */
char *bed_gpio_line_missing_message(const char *dev_dir, const char *path, const char *input,
				    const char *line);

/*
 * The request of @n lines at @offsets (named @names, for inputs @inputs) on the
 * chip at @path failed with -EBUSY: names who holds each held line.
 */
char *bed_gpio_busy_message(const char *path, const unsigned *offsets, const char *const *names,
			    const char *const *inputs, size_t n);
