/* Wall clock changes through timerfd's TFD_TIMER_CANCEL_ON_SET: see clock-jump.h. */
#include "daemon/clock-jump.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"

struct clock_jump {
	int fd;
	sd_event_source *source;
	sd_event_source *zone; /* the directory of the zone file; NULL with TZ set */
	void (*jumped)(enum clock_change change, void *userdata);
	void *userdata;
	int64_t offset_usec; /* wall clock minus monotonic when last armed */
};

/* The zone file when TZ is not set (glibc's TZDEFAULT), and the directory that holds it. */
#define ZONE_DIR  "/etc"
#define ZONE_FILE "localtime"

/* A clock set by less than this is no jump: NTP's small steps, a VM's clock adjusting. */
#define JUMP_MIN_USEC INT64_C(1000000)

bool clock_jump_is_jump(int64_t offset_before_usec, int64_t offset_after_usec)
{
	int64_t d = offset_after_usec - offset_before_usec;

	return d >= JUMP_MIN_USEC || d <= -JUMP_MIN_USEC;
}

static int64_t wall_offset_usec(void)
{
	return (int64_t) clock_realtime_usec() - (int64_t) clock_monotonic_usec();
}

#define DAY_S      INT64_C(86400)
#define CENTURY_S  (100 * 365 * DAY_S)
#define TIME_MAX_S (sizeof(time_t) >= 8 ? (int64_t) INT64_MAX : (int64_t) INT32_MAX)

int clock_jump_end_of_time(int64_t now_s, int64_t time_max_s, int64_t *ret_s)
{
	if (now_s > time_max_s - DAY_S)
		return -EOVERFLOW;
	*ret_s = now_s > time_max_s - CENTURY_S ? time_max_s : now_s + CENTURY_S;
	return 0;
}

/*
 * Armed far ahead of now (not at a fixed date, which the clock may pass): it
 * never expires, it is only ever cancelled by a clock change.
 */
static int arm(int fd)
{
	struct itimerspec its = { 0 };
	int64_t end;
	int r = clock_jump_end_of_time((int64_t) time(NULL), TIME_MAX_S, &end);

	if (r < 0)
		return r;
	its.it_value.tv_sec = (time_t) end;
	if (timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL) < 0)
		return -errno;
	return 0;
}

static int on_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct clock_jump *j = userdata;
	uint64_t expirations;
	ssize_t n = read(fd, &expirations, sizeof(expirations));
	bool cancelled = n < 0 && errno == ECANCELED;
	int r;

	(void) s;
	(void) revents;
	if (n < 0 && errno == EAGAIN)
		return 0;
	/*
	 * ECANCELED: the clock was set; an expiry: it reached the time armed.
	 * Either way arm again first, so a change during the call is seen. A
	 * timer that cannot be armed ahead would expire at once, again and again:
	 * it stops instead.
	 */
	r = arm(fd);
	if (r < 0) {
		log_warning_errno(r,
				  "cannot watch for the wall clock being set any more, ignoring");
		(void) sd_event_source_set_enabled(j->source, SD_EVENT_OFF);
	}
	if (cancelled) {
		int64_t before = j->offset_usec;

		j->offset_usec = wall_offset_usec();
		if (clock_jump_is_jump(before, j->offset_usec))
			j->jumped(CLOCK_CHANGE_SET, j->userdata);
		else
			log_debug("the wall clock was set by %+.3f s: no jump",
				  (double) (j->offset_usec - before) / 1e6);
	}
	return 0;
}

/*
 * The zone file was replaced (timedatectl set-timezone: a new symlink renamed
 * over it; tzdata's reconfiguring: removed and made anew) or written. glibc
 * reads it once; tzset() reads it again if it changed, for every localtime_r()
 * after, in heating, the reminders and the times published.
 */
static int on_zone(sd_event_source *s, const struct inotify_event *ev, void *userdata)
{
	struct clock_jump *j = userdata;

	(void) s;
	if (ev->mask & IN_Q_OVERFLOW) {
		tzset();
		j->jumped(CLOCK_CHANGE_ZONE, j->userdata);
		return 0;
	}
	if (ev->len == 0 || strcmp(ev->name, ZONE_FILE) != 0 || (ev->mask & IN_DELETE))
		return 0;
	tzset();
	j->jumped(CLOCK_CHANGE_ZONE, j->userdata);
	return 0;
}

int clock_jump_watch_zone(struct clock_jump *j, sd_event *event, const char *dir)
{
	int r;

	j->zone = sd_event_source_disable_unref(j->zone);
	r = sd_event_add_inotify(event, &j->zone, dir,
				 IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_ONLYDIR,
				 on_zone, j);
	if (r >= 0)
		r = event_source_describe(j->zone, "clock-zone");
	if (r < 0) {
		j->zone = sd_event_source_disable_unref(j->zone);
		return r;
	}
	return 0;
}

int clock_jump_new(sd_event *event, void (*jumped)(enum clock_change change, void *userdata),
		   void *userdata, struct clock_jump **ret)
{
	struct clock_jump *j = calloc(1, sizeof(*j));
	int r;

	if (!j)
		return -ENOMEM;
	j->jumped = jumped;
	j->userdata = userdata;
	j->offset_usec = wall_offset_usec();
	j->fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if (j->fd < 0) {
		r = -errno;
		goto out;
	}
	r = arm(j->fd);
	if (r == -EOVERFLOW) {
		/* Reminders still work; a clock being set is then seen at their next timer. */
		log_warning_errno(r, "cannot watch for the wall clock being set, ignoring");
		*ret = j;
		return 0;
	}
	if (r >= 0)
		r = sd_event_add_io(event, &j->source, j->fd, EPOLLIN, on_readable, j);
	if (r >= 0)
		r = event_source_describe(j->source, "clock-jump");
	if (r < 0)
		goto out;
	/* With TZ set, the zone is TZ's, which glibc does not read again: nothing to watch. */
	if (!getenv("TZ")) {
		r = clock_jump_watch_zone(j, event, ZONE_DIR);
		if (r < 0)
			log_warning_errno(
			    r, "cannot watch " ZONE_DIR "/" ZONE_FILE
			       " for a change of time zone (restart bedroomd after one)");
	}
	*ret = j;
	return 0;
out:
	clock_jump_free(j);
	return r;
}

struct clock_jump *clock_jump_free(struct clock_jump *j)
{
	if (!j)
		return NULL;
	j->source = sd_event_source_disable_unref(j->source);
	j->zone = sd_event_source_disable_unref(j->zone);
	if (j->fd >= 0)
		close(j->fd);
	free(j);
	return NULL;
}
