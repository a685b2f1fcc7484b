/* What bedroomctl's commands share (ctl.h). */
#include "tools/bedroomctl/ctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HELP_HINT "Try 'bedroomctl --help'.\n"

int ctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bedroomctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n" HELP_HINT, stderr);
	return EXIT_USAGE;
}

int ctl_bad_option(void)
{
	fputs(HELP_HINT, stderr);
	return EXIT_USAGE;
}

int ctl_load_config(const char *path, bool warn, struct config **ret)
{
	char *error = NULL;
	int r = config_load(path ? path : CONFIG_DEFAULT_PATH, ret, &error);

	if (r < 0) {
		const char *line = error ? error : strerror(-r);

		/* One line for each problem the file has. */
		for (size_t len; *line; line += len + (line[len] == '\n')) {
			len = strcspn(line, "\n");
			fprintf(stderr, "bedroomctl: %.*s\n", (int) len, line);
		}
		free(error);
		return CONFIG_EXIT_STATUS;
	}
	/*
	 * Loaded, with something worth a warning ("no password will be sent for
	 * user ..."): said as bedroomd says it, one line each.
	 */
	for (const char *line = warn && (*ret)->warnings ? (*ret)->warnings : ""; *line;) {
		size_t len = strcspn(line, "\n");

		fprintf(stderr, "bedroomctl: warning: %.*s\n", (int) len, line);
		line += len + (line[len] == '\n');
	}
	return 0;
}

char *ctl_topic_of(const struct config *c, const char *leaf)
{
	char *t = NULL;

	if (asprintf(&t, "%s/%s", c->mqtt.base_topic, leaf) < 0)
		return NULL;
	return t;
}

void ctl_say_nothing_retained(const struct config *c, const char *consequence)
{
	fprintf(stderr,
		"bedroomctl: nothing retained under '%s': is bedroomd using this broker and base "
		"topic (node_id in [daemon], base_topic in [mqtt])?%s\n",
		c->mqtt.base_topic, consequence);
}
