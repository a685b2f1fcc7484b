#include "util/child.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

void child_bind_to_parent(pid_t parent, const char *name)
{
	(void) prctl(PR_SET_NAME, name);
	/* Do not outlive the daemon; it may have died before prctl(). */
	(void) prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
}

int child_keep_only(int fd)
{
	const int keep = STDERR_FILENO + 1;

	if (fd != keep && dup2(fd, keep) < 0)
		return -errno;
	if (close_range(keep + 1, ~0U, 0) < 0) {
		long max = sysconf(_SC_OPEN_MAX);

		for (long i = keep + 1; i < (max > 0 ? max : 1024); i++)
			(void) close((int) i);
	}
	return keep;
}

bool child_reap(pid_t *pid, bool wait)
{
	pid_t w;

	if (*pid <= 0)
		return true;
	do
		w = waitpid(*pid, NULL, wait ? 0 : WNOHANG);
	while (w < 0 && errno == EINTR);
	/* ECHILD: someone else reaped it (SIGCHLD ignored); it is gone all the same. */
	if (w == 0)
		return false;
	*pid = 0;
	return true;
}
