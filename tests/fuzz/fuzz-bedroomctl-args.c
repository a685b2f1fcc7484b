/*
 * libFuzzer harness: bedroomctl's command line is outside input (typed, or
 * passed on by a script). The input is split at NUL bytes into at most 12
 * arguments and handed to bedroomctl's main(), built as bedroomctl_main().
 *
 * Kept from touching the machine: --config always names a configuration in a
 * temporary directory (its broker on 127.0.0.1 port 1, which refuses at once;
 * its state directory holds a fresh store, so `report` reads a real one), and
 * any argument that could name another file (--config, --output, --store, in
 * full or abbreviated) is replaced by --help.
 */
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int bedroomctl_main(int argc, char **argv);

#define ARGS_MAX 12

static char config_path[PATH_MAX];

static void make_config(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX];
	struct store *s = NULL;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/fuzz-bedroomctl-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	if (store_open(dir, &s) < 0)
		abort();
	store_close(s);
	snprintf(config_path, sizeof(config_path), "%s/bedroomd.conf", dir);
	f = fopen(config_path, "we");
	if (!f)
		abort();
	fprintf(f, "[daemon]\nstate_dir = %s\n[mqtt]\nhost = 127.0.0.1\nport = 1\n", dir);
	if (fclose(f) != 0)
		abort();
}

/* Whether @arg is --NAME or an abbreviation of it, with or without "=VALUE". */
static bool names_option(const char *arg, const char *name)
{
	size_t n;

	if (strncmp(arg, "--", 2) != 0)
		return false;
	arg += 2;
	n = strcspn(arg, "=");
	return n > 0 && strncmp(arg, name, n) == 0;
}

static bool names_a_file(const char *arg)
{
	return names_option(arg, "config") || names_option(arg, "output") ||
	       names_option(arg, "store");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[ARGS_MAX + 4], *copy;
	char name[] = "bedroomctl", config_opt[] = "--config", help[] = "--help";
	const char *p, *end;
	int argc = 0;

	if (!config_path[0])
		make_config();
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[argc++] = name;
	argv[argc++] = config_opt;
	argv[argc++] = config_path;
	for (p = copy, end = copy + size; p <= end && argc < ARGS_MAX + 3; p += strlen(p) + 1)
		argv[argc++] = names_a_file(p) ? help : (char *) p;
	argv[argc] = NULL;
	/* getopt_long() keeps its state in globals: start each run afresh. */
	optind = 0;
	(void) bedroomctl_main(argc, argv);
	free(copy);
	return 0;
}
