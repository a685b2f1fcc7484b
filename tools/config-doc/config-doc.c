/*
 * Writes the commented example configuration and the man page
 * bedroomd.conf(5) from the key table, or checks that the files hold exactly
 * that (the test that keeps them from drifting).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config-doc.h"
#include "version.h"

#define EXIT_USAGE 64 /* EX_USAGE */

/* What @write makes, in a new string. Returns 0 or a negative errno. */
static int generate(int (*write)(FILE *f), char **ret)
{
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	int r;

	if (!mem)
		return -errno;
	r = write(mem);
	if (fclose(mem) != 0 && r == 0)
		r = -EIO;
	if (r < 0 || !text) {
		free(text);
		return r < 0 ? r : -ENOMEM;
	}
	*ret = text;
	return 0;
}

static int write_man(FILE *f)
{
	return config_doc_man(f, BEDROOMD_VERSION);
}

/* The whole of @path in a new string, or NULL (errno set). */
static char *read_all(const char *path)
{
	char *text = NULL;
	size_t size = 0;
	FILE *mem, *in = fopen(path, "re");
	int c;

	if (!in)
		return NULL;
	mem = open_memstream(&text, &size);
	if (!mem) {
		fclose(in);
		return NULL;
	}
	while ((c = fgetc(in)) != EOF)
		fputc(c, mem);
	fclose(in);
	fclose(mem);
	return text;
}

/* 0 when @path holds @text; else says where they part and returns 1. */
static int check(const char *path, const char *text)
{
	char *have = read_all(path);
	unsigned line = 1;
	bool same;
	size_t i = 0;

	if (!have) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	for (; have[i] && have[i] == text[i]; i++)
		line += have[i] == '\n';
	same = have[i] == text[i];
	free(have);
	if (same)
		return 0;
	fprintf(stderr,
		"%s:%u: differs from what the key table (config/config-keys.c) makes now.\n"
		"Run: cmake --build build --target config-docs\n",
		path, line);
	return 1;
}

/* Writes @text to @path through a temporary file. Returns 0, or 1 with a message. */
static int write_file(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, path) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	bool check_only = argc == 4 && strcmp(argv[1], "--check") == 0;
	char *example = NULL, *man = NULL;
	int r, status = 1;

	if (argc != 3 && !check_only) {
		fprintf(stderr,
			"Usage: %s [--check] EXAMPLE_CONFIG MAN_PAGE\n"
			"Writes (or checks) config/bedroomd.conf.example and\n"
			"docs/bedroomd.conf.5 from the key table.\n",
			argv[0]);
		return EXIT_USAGE;
	}
	r = generate(config_doc_example, &example);
	if (r >= 0)
		r = generate(write_man, &man);
	if (r < 0) {
		fprintf(stderr, "cannot make the documentation: %s\n", strerror(-r));
		status = 1;
	} else if (!example || !man) {
		fprintf(stderr, "cannot make the documentation: out of memory\n");
	} else if (check_only) {
		status = check(argv[2], example) | check(argv[3], man);
	} else {
		status = write_file(argv[1], example) | write_file(argv[2], man);
	}
	free(example);
	free(man);
	return status;
}
