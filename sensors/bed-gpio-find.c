#include "sensors/bed-gpio-find.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <gpiod.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_gpiochip(const struct dirent *d)
{
	return strncmp(d->d_name, "gpiochip", 8) == 0;
}

/* The chips' device names in @dev_dir, sorted; returns the count or -errno. */
static int scan(const char *dev_dir, struct dirent ***ret)
{
	int n = scandir(dev_dir, ret, is_gpiochip, versionsort);

	return n < 0 ? -errno : n;
}

static void free_scan(struct dirent **list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static char *path_of(const char *dev_dir, const char *name)
{
	char *p = NULL;

	return asprintf(&p, "%s/%s", dev_dir, name) < 0 ? NULL : p;
}

char *bed_gpio_list_chips(const char *dev_dir)
{
	struct dirent **list = NULL;
	char *text = NULL;
	size_t size = 0;
	FILE *f;
	int n;

	f = open_memstream(&text, &size);
	if (!f)
		return NULL;
	n = scan(dev_dir, &list);
	if (n <= 0)
		fputs("none", f);
	for (int i = 0; i < n; i++) {
		char *path = path_of(dev_dir, list[i]->d_name);
		struct gpiod_chip *chip = path ? gpiod_chip_open(path) : NULL;
		struct gpiod_chip_info *info = chip ? gpiod_chip_get_info(chip) : NULL;

		if (info)
			fprintf(f, "%s%s [%s, %zu lines]", i ? ", " : "", list[i]->d_name,
				gpiod_chip_info_get_label(info),
				gpiod_chip_info_get_num_lines(info));
		else
			fprintf(f, "%s%s (cannot open: %m)", i ? ", " : "", list[i]->d_name);
		gpiod_chip_info_free(info);
		if (chip)
			gpiod_chip_close(chip);
		free(path);
	}
	if (n > 0)
		free_scan(list, n);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The label of the chip at @path into a new string, or NULL. */
static char *label_of(const char *path)
{
	struct gpiod_chip *chip = gpiod_chip_open(path);
	struct gpiod_chip_info *info = chip ? gpiod_chip_get_info(chip) : NULL;
	char *label = info ? strdup(gpiod_chip_info_get_label(info)) : NULL;

	gpiod_chip_info_free(info);
	if (chip)
		gpiod_chip_close(chip);
	return label;
}

int bed_gpio_find_chip(const char *dev_dir, const char *chip, char **ret_path, char **ret_error)
{
	struct dirent **list = NULL;
	char *path = NULL, *chips, *msg = NULL;
	struct stat st;
	int n;

	assert(ret_path);
	assert(ret_error);
	if (strchr(chip, '/'))
		path = strdup(chip);
	else if ((path = path_of(dev_dir, chip)) && stat(path, &st) < 0 && errno == ENOENT)
		path = (free(path), NULL);
	else if (!path)
		return -ENOMEM;
	if (path) {
		*ret_path = path;
		return 0;
	}
	/* Not a name: a label? */
	n = scan(dev_dir, &list);
	for (int i = 0; i < n && !path; i++) {
		char *p = path_of(dev_dir, list[i]->d_name);
		char *label = p ? label_of(p) : NULL;

		if (label && strcmp(label, chip) == 0)
			path = p;
		else
			free(p);
		free(label);
	}
	if (n > 0)
		free_scan(list, n);
	if (path) {
		*ret_path = path;
		return 0;
	}
	chips = bed_gpio_list_chips(dev_dir);
	if (!chips ||
	    asprintf(&msg,
		     "GPIO chip '%s' not found: no %s/%s and no chip with that label. "
		     "Chips found in %s: %s. Set chip = to one of these names or labels, or a path",
		     chip, dev_dir, chip, dev_dir, chips) < 0)
		msg = NULL;
	free(chips);
	if (!msg)
		return -ENOMEM;
	*ret_error = msg;
	return -ENOENT;
}

static char *permission_message(const char *path)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *user = pw ? pw->pw_name : "bedroomd";
	struct group *gr = NULL;
	struct stat st;
	char *msg = NULL;
	int r;

	if (stat(path, &st) == 0 && st.st_gid != 0)
		gr = getgrgid(st.st_gid);
	if (gr)
		r = asprintf(&msg,
			     "permission denied opening %s: it belongs to the group '%s'; add the "
			     "daemon's user to it (sudo usermod -aG %s %s) and restart bedroomd",
			     path, gr->gr_name, gr->gr_name, user);
	else
		r = asprintf(
		    &msg,
		    "permission denied opening %s: the daemon's user '%s' needs read and "
		    "write access. On Raspberry Pi OS add it to the 'gpio' group (sudo "
		    "usermod -aG gpio %s); elsewhere add a udev rule, e.g. "
		    "/etc/udev/rules.d/60-gpiochip.rules: SUBSYSTEM==\"gpio\", "
		    "KERNEL==\"gpiochip*\", GROUP=\"gpio\", MODE=\"0660\" (then sudo groupadd "
		    "-f -r gpio; sudo usermod -aG gpio %s; sudo udevadm trigger -s gpio), "
		    "and restart bedroomd",
		    path, user, user, user);
	return r < 0 ? NULL : msg;
}

char *bed_gpio_open_message(const char *path, int error)
{
	char *msg = NULL;
	int r;

	switch (error) {
	case -EACCES:
	case -EPERM:
		return permission_message(path);
	case -ENOENT:
	case -ENODEV:
	case -ENXIO:
		r = asprintf(&msg, "GPIO chip %s not found (%s); set chip = to one that exists",
			     path, strerror(-error));
		break;
	case -ENOTTY:
	case -EINVAL:
		r = asprintf(&msg, "%s is not a GPIO chip character device; set chip = to one",
			     path);
		break;
	default:
		r = asprintf(&msg, "cannot open GPIO chip %s: %s", path, strerror(-error));
		break;
	}
	return r < 0 ? NULL : msg;
}

/* The chip in @dev_dir, other than @path, that has a line called @line, or NULL. */
static char *chip_with_line(const char *dev_dir, const char *path, const char *line)
{
	struct dirent **list = NULL;
	char *found = NULL;
	int n = scan(dev_dir, &list);

	for (int i = 0; i < n && !found; i++) {
		char *p = path_of(dev_dir, list[i]->d_name);
		struct gpiod_chip *chip = p && strcmp(p, path) != 0 ? gpiod_chip_open(p) : NULL;

		if (chip && gpiod_chip_get_line_offset_from_name(chip, line) >= 0)
			found = strdup(list[i]->d_name);
		if (chip)
			gpiod_chip_close(chip);
		free(p);
	}
	if (n > 0)
		free_scan(list, n);
	return found;
}

char *bed_gpio_line_missing_message(const char *dev_dir, const char *path, const char *input,
				    const char *line)
{
	struct gpiod_chip *chip = gpiod_chip_open(path);
	struct gpiod_chip_info *info = chip ? gpiod_chip_get_info(chip) : NULL;
	char *other = chip_with_line(dev_dir, path, line);
	char *text = NULL, *msg = NULL;
	size_t size = 0, named = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		goto out;
	fprintf(f, "input '%s': no line named '%s' on %s", input, line, path);
	if (info)
		fprintf(f, " [%s]", gpiod_chip_info_get_label(info));
	if (other)
		fprintf(f, ", but %s has one: set chip = %s", other, other);
	fputs(". Its lines (offset name): ", f);
	for (size_t i = 0; info && i < gpiod_chip_info_get_num_lines(info); i++) {
		struct gpiod_line_info *li = gpiod_chip_get_line_info(chip, (unsigned) i);
		const char *name = li ? gpiod_line_info_get_name(li) : NULL;

		if (name && *name)
			fprintf(f, "%s%zu %s", named++ ? ", " : "", i, name);
		gpiod_line_info_free(li);
	}
	if (info && named == 0)
		fprintf(f, "none named; give the line as an offset from 0 to %zu",
			gpiod_chip_info_get_num_lines(info) - 1);
	else if (info)
		fputs(". Set line = to one of these names or an offset", f);
	if (fclose(f) == 0)
		msg = text;
	else
		free(text);
out:
	free(other);
	gpiod_chip_info_free(info);
	if (chip)
		gpiod_chip_close(chip);
	return msg;
}

char *bed_gpio_busy_message(const char *path, const unsigned *offsets, const char *const *names,
			    const char *const *inputs, size_t n)
{
	struct gpiod_chip *chip = gpiod_chip_open(path);
	char *text = NULL;
	size_t size = 0, held = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f) {
		if (chip)
			gpiod_chip_close(chip);
		return NULL;
	}
	for (size_t i = 0; chip && i < n; i++) {
		struct gpiod_line_info *li = gpiod_chip_get_line_info(chip, offsets[i]);
		const char *consumer = li ? gpiod_line_info_get_consumer(li) : NULL;

		if (li && gpiod_line_info_is_used(li)) {
			fprintf(f, "%sinput '%s': line '%s' (offset %u on %s) is in use by ",
				held++ ? "; " : "", inputs[i], names[i], offsets[i], path);
			if (consumer && strcmp(consumer, "bedroomd") == 0)
				fputs("another bedroomd: stop it (systemctl stop bedroomd) or give "
				      "this one other lines",
				      f);
			else if (consumer && *consumer)
				fprintf(f,
					"'%s': stop that program (for gpioset, kill it) or choose "
					"another line",
					consumer);
			else
				fputs("a kernel driver: remove the dtoverlay= that claims it "
				      "(/boot/firmware/config.txt) or choose another line",
				      f);
		}
		gpiod_line_info_free(li);
	}
	if (held == 0)
		fprintf(f, "the lines on %s are busy (another program or driver holds one of them)",
			path);
	if (chip)
		gpiod_chip_close(chip);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
