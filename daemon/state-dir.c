/* The state directory's lock: see state-dir.h. */
#include "daemon/state-dir.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "daemon/log.h"
#include "store/store.h"

/*
 * systemd makes it (StateDirectory=); run by hand, a missing one is made as
 * people expect of a daemon, its parent not: a typo there stays an error.
 */
static void make_if_missing(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == 0 || errno != ENOENT)
		return;
	if (mkdir(dir, 0750) == 0)
		log_info("made the state directory %s", dir);
	else
		log_warning_errno(-errno, "cannot make the state directory %s", dir);
}

int state_dir_lock(const char *dir, const char *running_dir, int *ret_fd)
{
	long holder;
	int fd;
	char pid[32] = "";

	make_if_missing(dir);
	fd = store_dir_lock(dir, &holder);
	*ret_fd = -1;
	if (fd == -EBUSY) {
		if (holder > 0)
			snprintf(pid, sizeof(pid), " (PID %ld)", holder);
		if (running_dir)
			log_error(
			    "another bedroomd%s is running with state_dir %s: reload refused, "
			    "keeping state_dir %s and the running configuration (two would "
			    "take the MQTT connection from each other and write one store)",
			    pid, dir, running_dir);
		else
			log_error("another bedroomd%s is running with state_dir %s: stop it first "
				  "(two would take the MQTT connection from each other and write "
				  "one store)",
				  pid, dir);
		return fd;
	}
	/*
	 * At a start, the store is tried again every minute (a card mounted late).
	 * At a reload the running store works: not given up for a directory that
	 * does not (a typo, or read-only under the unit's ProtectSystem=strict).
	 */
	if (fd < 0 && running_dir)
		return log_error_errno(fd,
				       "cannot use state_dir %s: reload refused, keeping state_dir "
				       "%s and the running configuration",
				       dir, running_dir);
	if (fd < 0)
		log_warning_errno(fd, "cannot lock the state directory %s, going on without", dir);
	else
		*ret_fd = fd;
	return 0;
}

bool state_dir_same(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}
