/*
 * A wall clock the test can move: preloaded into the daemon (LD_PRELOAD), it
 * adds the number of seconds in the file $FAULTS_CLOCK_FILE (read at every
 * call, so a rewrite is a jump) to CLOCK_REALTIME, time() and gettimeofday().
 * CLOCK_MONOTONIC, timers and sleeps are the kernel's, untouched: as when NTP
 * or a person sets the clock. Linux has no time namespace for CLOCK_REALTIME,
 * and libfaketime also moves absolute CLOCK_MONOTONIC timerfds, which the
 * daemon's loop is made of.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long long offset_s(void)
{
	const char *path = getenv("FAULTS_CLOCK_FILE");
	long long v = 0;
	FILE *f;

	if (!path)
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%lld", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	int r;

	if (!real)
		*(void **) &real = dlsym(RTLD_NEXT, "clock_gettime");
	r = real(id, ts);
	if (r == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
		ts->tv_sec += (time_t) offset_s();
	return r;
}

time_t time(time_t *ret)
{
	struct timespec ts;

	(void) clock_gettime(CLOCK_REALTIME, &ts);
	if (ret)
		*ret = ts.tv_sec;
	return ts.tv_sec;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct timespec ts;

	(void) tz;
	(void) clock_gettime(CLOCK_REALTIME, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}
