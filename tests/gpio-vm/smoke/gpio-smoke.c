// SPDX-License-Identifier: MIT
/*
 * gpio-smoke: exercises the libgpiod v2 calls the daemon relies on, against
 * gpio-sim in the gpio-vm guest (see ../README.md).
 *
 *   gpio-smoke watch [--debounce-us N] [--consumer NAME] LINE...
 *       Finds the named lines (all on one chip), requests them as inputs with
 *       both-edge detection and kernel debounce (bias left as is), prints
 *       "ready chip=... LINE=OFFSET... debounce=N", then counts the edge events
 *       read from the request fd with poll(). Commands on stdin, one a line:
 *         counts TAG   prints "TAG LINE rising=R falling=F total=T" for each
 *                      line, then "TAG end seqerr=E" (E: sequence number or
 *                      timestamp errors so far)
 *         reset        zeroes the counters
 *         quit         (or end of input) prints "final ..." lines and exits 0
 *   gpio-smoke busy LINE
 *       Tries to request LINE. Exit 0 and "busy errno=EBUSY consumer=NAME" if
 *       the kernel refuses with EBUSY; exit 3 and "free" if the request
 *       succeeds; exit 1 on any other error.
 *   gpio-smoke find LINE
 *       Prints "CHIP OFFSET CHIP_LABEL".
 */
#include <errno.h>
#include <glob.h>
#include <gpiod.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LINES 8

struct line_count {
	const char *name;
	unsigned int offset;
	unsigned long rising;
	unsigned long falling;
	unsigned long last_line_seqno;
};

static void usage(void)
{
	fprintf(stderr, "usage: gpio-smoke watch [--debounce-us N] [--consumer NAME] LINE...\n"
			"       gpio-smoke busy LINE\n"
			"       gpio-smoke find LINE\n");
	exit(2);
}

/* Opens the chip that has a line called name; stores its path and the offset. */
static struct gpiod_chip *find_line(const char *name, char *path, size_t path_len,
				    unsigned int *offset)
{
	glob_t g;
	struct gpiod_chip *found = NULL;

	if (glob("/dev/gpiochip*", 0, NULL, &g) != 0) {
		fprintf(stderr, "gpio-smoke: no /dev/gpiochip* devices\n");
		return NULL;
	}
	for (size_t i = 0; i < g.gl_pathc && !found; i++) {
		struct gpiod_chip *chip = gpiod_chip_open(g.gl_pathv[i]);
		int off;

		if (!chip)
			continue;
		off = gpiod_chip_get_line_offset_from_name(chip, name);
		if (off >= 0) {
			found = chip;
			*offset = (unsigned int) off;
			snprintf(path, path_len, "%s", g.gl_pathv[i]);
		} else {
			gpiod_chip_close(chip);
		}
	}
	globfree(&g);
	if (!found)
		fprintf(stderr, "gpio-smoke: no GPIO line named %s\n", name);
	return found;
}

static struct gpiod_line_request *request_inputs(struct gpiod_chip *chip,
						 const unsigned int *offsets, size_t n,
						 unsigned long debounce_us, const char *consumer)
{
	struct gpiod_line_settings *settings = gpiod_line_settings_new();
	struct gpiod_line_config *line_cfg = gpiod_line_config_new();
	struct gpiod_request_config *req_cfg = gpiod_request_config_new();
	struct gpiod_line_request *req = NULL;

	if (!settings || !line_cfg || !req_cfg)
		goto out;
	gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_INPUT);
	gpiod_line_settings_set_edge_detection(settings, GPIOD_LINE_EDGE_BOTH);
	gpiod_line_settings_set_debounce_period_us(settings, debounce_us);
	if (gpiod_line_config_add_line_settings(line_cfg, offsets, n, settings) < 0)
		goto out;
	gpiod_request_config_set_consumer(req_cfg, consumer);
	req = gpiod_chip_request_lines(chip, req_cfg, line_cfg);
out:
	gpiod_request_config_free(req_cfg);
	gpiod_line_config_free(line_cfg);
	gpiod_line_settings_free(settings);
	return req;
}

static void print_counts(const char *tag, const struct line_count *lc, size_t n,
			 unsigned long seqerr)
{
	for (size_t i = 0; i < n; i++)
		printf("%s %s rising=%lu falling=%lu total=%lu\n", tag, lc[i].name, lc[i].rising,
		       lc[i].falling, lc[i].rising + lc[i].falling);
	printf("%s end seqerr=%lu\n", tag, seqerr);
}

static int cmd_watch(int argc, char **argv)
{
	unsigned long debounce_us = 100000;
	const char *consumer = "gpio-smoke-watch";
	struct line_count lc[MAX_LINES];
	unsigned int offsets[MAX_LINES];
	size_t n = 0;
	char chip_path[256] = "", path[256];
	struct gpiod_chip *chip = NULL;
	struct gpiod_line_request *req;
	struct gpiod_edge_event_buffer *buf;
	unsigned long seqerr = 0, last_global_seqno = 0;
	uint64_t last_ts = 0;
	char inbuf[512];
	size_t inlen = 0;
	bool running = true;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--debounce-us") == 0 && i + 1 < argc) {
			debounce_us = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--consumer") == 0 && i + 1 < argc) {
			consumer = argv[++i];
		} else if (argv[i][0] == '-' || n == MAX_LINES) {
			usage();
		} else {
			struct gpiod_chip *c = find_line(argv[i], path, sizeof(path), &offsets[n]);

			if (!c)
				return 1;
			if (!chip) {
				chip = c;
				snprintf(chip_path, sizeof(chip_path), "%s", path);
			} else {
				gpiod_chip_close(c);
				if (strcmp(path, chip_path) != 0) {
					fprintf(stderr, "gpio-smoke: %s is on %s, not %s\n",
						argv[i], path, chip_path);
					return 1;
				}
			}
			lc[n] = (struct line_count){ .name = argv[i], .offset = offsets[n] };
			n++;
		}
	}
	if (n == 0)
		usage();

	req = request_inputs(chip, offsets, n, debounce_us, consumer);
	if (!req) {
		fprintf(stderr, "gpio-smoke: requesting lines on %s: %s\n", chip_path,
			strerror(errno));
		return 1;
	}
	buf = gpiod_edge_event_buffer_new(64);
	if (!buf) {
		perror("gpio-smoke: gpiod_edge_event_buffer_new");
		return 1;
	}

	printf("ready chip=%s", chip_path);
	for (size_t i = 0; i < n; i++) {
		struct gpiod_line_info *info = gpiod_chip_get_line_info(chip, lc[i].offset);

		printf(" %s=%u", lc[i].name, lc[i].offset);
		if (info) {
			printf("/debounce=%lu", gpiod_line_info_get_debounce_period_us(info));
			gpiod_line_info_free(info);
		}
	}
	printf("\n");

	while (running) {
		struct pollfd pfd[2] = {
			{ .fd = gpiod_line_request_get_fd(req), .events = POLLIN },
			{ .fd = STDIN_FILENO, .events = POLLIN },
		};

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("gpio-smoke: poll");
			return 1;
		}
		/* Events first, so that a "counts" command sees everything before it. */
		if (pfd[0].revents & POLLIN) {
			int got = gpiod_line_request_read_edge_events(req, buf, 64);

			if (got < 0) {
				perror("gpio-smoke: reading edge events");
				return 1;
			}
			for (int e = 0; e < got; e++) {
				struct gpiod_edge_event *ev =
				    gpiod_edge_event_buffer_get_event(buf, (unsigned long) e);
				unsigned int off = gpiod_edge_event_get_line_offset(ev);
				bool rising = gpiod_edge_event_get_event_type(ev) ==
					      GPIOD_EDGE_EVENT_RISING_EDGE;
				unsigned long gseq = gpiod_edge_event_get_global_seqno(ev);
				unsigned long lseq = gpiod_edge_event_get_line_seqno(ev);
				uint64_t ts = gpiod_edge_event_get_timestamp_ns(ev);

				if (gseq != last_global_seqno + 1 || ts < last_ts)
					seqerr++;
				last_global_seqno = gseq;
				last_ts = ts;
				for (size_t i = 0; i < n; i++) {
					if (lc[i].offset != off)
						continue;
					if (lseq != lc[i].last_line_seqno + 1)
						seqerr++;
					lc[i].last_line_seqno = lseq;
					if (rising)
						lc[i].rising++;
					else
						lc[i].falling++;
					printf("event %s %s gseq=%lu lseq=%lu ts=%" PRIu64 "\n",
					       lc[i].name, rising ? "rising" : "falling", gseq,
					       lseq, ts);
				}
			}
			continue;
		}
		if (pfd[1].revents & (POLLIN | POLLHUP)) {
			ssize_t r = read(STDIN_FILENO, inbuf + inlen, sizeof(inbuf) - 1 - inlen);
			char *nl;

			if (r <= 0) {
				running = false;
				break;
			}
			inlen += (size_t) r;
			inbuf[inlen] = '\0';
			while ((nl = strchr(inbuf, '\n'))) {
				*nl = '\0';
				if (strncmp(inbuf, "counts ", 7) == 0) {
					print_counts(inbuf + 7, lc, n, seqerr);
				} else if (strcmp(inbuf, "reset") == 0) {
					for (size_t i = 0; i < n; i++)
						lc[i].rising = lc[i].falling = 0;
					printf("reset done\n");
				} else if (strcmp(inbuf, "quit") == 0) {
					running = false;
				} else if (inbuf[0] != '\0') {
					printf("error unknown command '%s'\n", inbuf);
				}
				inlen -= (size_t) (nl + 1 - inbuf);
				memmove(inbuf, nl + 1, inlen + 1);
			}
			if (inlen == sizeof(inbuf) - 1)
				inlen = 0; /* overlong garbage line */
		}
	}
	print_counts("final", lc, n, seqerr);
	gpiod_edge_event_buffer_free(buf);
	gpiod_line_request_release(req);
	gpiod_chip_close(chip);
	return 0;
}

static int cmd_busy(const char *name)
{
	char path[256];
	unsigned int offset;
	struct gpiod_chip *chip = find_line(name, path, sizeof(path), &offset);
	struct gpiod_line_request *req;
	struct gpiod_line_info *info;
	int err;

	if (!chip)
		return 1;
	req = request_inputs(chip, &offset, 1, 0, "gpio-smoke-busy");
	if (req) {
		printf("free\n");
		gpiod_line_request_release(req);
		gpiod_chip_close(chip);
		return 3;
	}
	err = errno;
	info = gpiod_chip_get_line_info(chip, offset);
	/* What the daemon's error message will say: who holds the line. */
	printf("busy errno=%s consumer=%s\n", err == EBUSY ? "EBUSY" : strerror(err),
	       info && gpiod_line_info_is_used(info) && gpiod_line_info_get_consumer(info)
		   ? gpiod_line_info_get_consumer(info)
		   : "(none)");
	gpiod_line_info_free(info);
	gpiod_chip_close(chip);
	return err == EBUSY ? 0 : 1;
}

static int cmd_find(const char *name)
{
	char path[256];
	unsigned int offset;
	struct gpiod_chip *chip = find_line(name, path, sizeof(path), &offset);
	struct gpiod_chip_info *info;

	if (!chip)
		return 1;
	info = gpiod_chip_get_info(chip);
	printf("%s %u %s\n", path, offset, info ? gpiod_chip_info_get_label(info) : "?");
	gpiod_chip_info_free(info);
	gpiod_chip_close(chip);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "watch") == 0)
		return cmd_watch(argc - 2, argv + 2);
	if (strcmp(argv[1], "busy") == 0 && argc == 3)
		return cmd_busy(argv[2]);
	if (strcmp(argv[1], "find") == 0 && argc == 3)
		return cmd_find(argv[2]);
	usage();
	return 2;
}
