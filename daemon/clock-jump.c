/* Wall clock changes through timerfd's TFD_TIMER_CANCEL_ON_SET: see clock-jump.h. */
#include "daemon/clock-jump.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "daemon/event-source.h"

struct clock_jump {
	int fd;
	sd_event_source *source;
	void (*jumped)(void *userdata);
	void *userdata;
};

/* Armed at the end of time: it never expires, it is only ever cancelled by a clock change. */
static int arm(int fd)
{
	const struct itimerspec its = { .it_value.tv_sec = (time_t) INT32_MAX };

	if (timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL) < 0)
		return -errno;
	return 0;
}

static int on_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct clock_jump *j = userdata;
	uint64_t expirations;
	ssize_t n = read(fd, &expirations, sizeof(expirations));

	(void) s;
	(void) revents;
	if (n < 0 && errno == EAGAIN)
		return 0;
	/* ECANCELED: the clock was set. Arm again first, so a change during the call is seen. */
	(void) arm(fd);
	if (n < 0 && errno == ECANCELED)
		j->jumped(j->userdata);
	return 0;
}

int clock_jump_new(sd_event *event, void (*jumped)(void *userdata), void *userdata,
		   struct clock_jump **ret)
{
	struct clock_jump *j = calloc(1, sizeof(*j));
	int r;

	if (!j)
		return -ENOMEM;
	j->jumped = jumped;
	j->userdata = userdata;
	j->fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if (j->fd < 0) {
		r = -errno;
		goto out;
	}
	r = arm(j->fd);
	if (r >= 0)
		r = sd_event_add_io(event, &j->source, j->fd, EPOLLIN, on_readable, j);
	if (r >= 0)
		r = event_source_describe(j->source, "clock-jump");
	if (r < 0)
		goto out;
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
	if (j->fd >= 0)
		close(j->fd);
	free(j);
	return NULL;
}
