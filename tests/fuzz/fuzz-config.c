/* libFuzzer harness: the config parser must refuse or accept any bytes without crashing. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c = NULL;
	char *error = NULL, path[64];
	int fd = memfd_create("fuzz-config", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t) size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (config_load(path, &c, &error) == 0) {
			FILE *null = fopen("/dev/null", "we");

			if (null) {
				(void) config_dump(c, null);
				fclose(null);
			}
		}
	}
	config_free(c);
	free(error);
	close(fd);
	return 0;
}
