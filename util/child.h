#pragma once

#include <stdbool.h>
#include <sys/types.h>

/*
 * A child process doing one blocking thing for the loop (a w1 read, a name
 * lookup) and answering over a pipe. The daemon ignores SIGCHLD, so a child
 * that ends after its parent stopped waiting is reaped by the kernel.
 */

/*
 * In the child, first: it dies with the daemon (PR_SET_PDEATHSIG), and ends at
 * once (_exit) if @parent has gone already. It takes @name (at most 15 bytes)
 * as its command name, so ps and top tell a lookup from a sensor read.
 */
void child_bind_to_parent(pid_t parent, const char *name);

/*
 * In the child: keeps nothing of the daemon's open but @fd, moved to the first
 * descriptor after stderr. A copy of the MQTT socket or a GPIO request kept
 * open would keep that file alive after the daemon closed it, and with it the
 * daemon's epoll registration. Returns the descriptor, or a negative errno.
 */
int child_keep_only(int fd);

/*
 * Reaps *@pid (0: none), setting it to 0 once gone. @wait only when the child
 * has answered, closed its pipe or been killed: then it is about to be gone.
 * Returns true when there is no child left.
 */
bool child_reap(pid_t *pid, bool wait);
