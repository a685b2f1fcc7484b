/*
 * libFuzzer harness: the store file that `bedroomctl report` reads is outside
 * input (a damaged SD card, a file from another program, a newer schema). The
 * input is written as the store file and read through the store library's
 * read-only path, as `bedroomctl report` reads it, then printed in every text
 * format.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/bedroomctl/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[PATH_MAX], path[PATH_MAX];

static void remove_files(void)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char p[PATH_MAX + 16];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
		(void) unlink(p);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report *report = NULL;
	const char *error = NULL;
	FILE *f;

	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(dir, sizeof(dir), "%s/fuzz-store-XXXXXX", tmp ? tmp : "/tmp");
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof(path), "%s/bedroomd.db", dir);
	}
	remove_files();
	f = fopen(path, "we");
	if (!f)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	/* 2026-04-05's night and the 27 before it: where the corpus has its rows. */
	if (report_read(path, 20548, 28, 22 * 60, 7 * 60, &report, &error) == 0) {
		FILE *null = fopen("/dev/null", "we");

		if (null) {
			(void) report_print_text(report, null);
			(void) report_print_json(report, null);
			(void) report_print_csv(report, null);
			fclose(null);
		}
	}
	report_free(report);
	return 0;
}
