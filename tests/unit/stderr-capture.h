#pragma once

/*
 * Runs @fn(@arg) with stderr (where the daemon's log goes) in a temporary
 * file, and returns what was written, up to 8 KiB (the caller frees it).
 */
char *stderr_captured(void (*fn)(void *), void *arg);
