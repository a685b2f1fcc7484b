#pragma once

#include <stdbool.h>

/*
 * One bedroomd per state directory: a second one (run by hand while the
 * service runs) would take the broker connection from the first every few
 * seconds (one client id: the broker drops the older) and write the same
 * store. Takes the lock on @dir into *@ret_fd. Returns 0, or -EBUSY when
 * another bedroomd holds it, said at error. For a reload from @running_dir
 * (NULL at start-up), any other failure is said at error and returned too: the
 * running directory is kept. At start-up it is said at warning, *@ret_fd is -1
 * and we go on without (the store is tried again). A missing @dir is made first
 * (not its parents).
 */
int state_dir_lock(const char *dir, const char *running_dir, int *ret_fd);

/*
 * The same directory, also under another name ("/var/lib/bedroomd/"): its
 * lock is ours already, and taking it again (another open file) would fail.
 */
bool state_dir_same(const char *a, const char *b);
