/*
 * The broker's host name looked up in a child, as sensors/temp-source.c reads
 * a sensor: the child keeps nothing of the daemon's but its pipe, dies with
 * the daemon (PR_SET_PDEATHSIG), writes one record far below PIPE_BUF (so in
 * one piece) and _exits. The loop reads the record from an io source; a timer
 * kills the child that has not answered in time. EAI_* codes stop here.
 */
#include "daemon/mqtt-resolve.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "daemon/event-source.h"
#include "util/child.h"

struct mqtt_resolver {
	sd_event *event;
	char *host;
	mqtt_resolved_handler_t handler;
	void *userdata;
	pid_t pid;               /* the looking-up child, until reaped; 0 when none */
	sd_event_source *answer; /* on the read end of its pipe (owns it), while an answer is due */
	sd_event_source *timeout; /* armed for MQTT_RESOLVE_TIMEOUT_USEC after the start */
	char why[128];            /* the words of the last failure, for the handler's call */
};

/* What the child sends back: one write, far below PIPE_BUF, so atomic. */
struct mqtt_resolve_record {
	int32_t eai;       /* getaddrinfo()'s result */
	int32_t sys_errno; /* with EAI_SYSTEM */
	uint32_t n_addresses;
	char addresses[MQTT_RESOLVE_MAX_ADDRESSES][MQTT_RESOLVE_ADDRESS_MAX];
};

_Static_assert(sizeof(struct mqtt_resolve_record) <= PIPE_BUF, "one atomic write");

bool mqtt_host_is_numeric(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return host && (inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1);
}

int mqtt_resolver_new(sd_event *event, const char *host, mqtt_resolved_handler_t handler,
		      void *userdata, struct mqtt_resolver **ret)
{
	struct mqtt_resolver *r;

	assert(event);
	assert(host);
	assert(handler);
	assert(ret);
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->host = strdup(host);
	if (!r->host) {
		free(r);
		return -ENOMEM;
	}
	r->event = sd_event_ref(event);
	r->handler = handler;
	r->userdata = userdata;
	*ret = r;
	return 0;
}

/* A killed child is not waited for: the kernel reaps it when it ends. */
static bool reap(struct mqtt_resolver *r, bool wait)
{
	return child_reap(&r->pid, wait);
}

/* Closes the pipe (its source owns it) and disarms the timer; true if an answer was due. */
static bool stop_waiting(struct mqtt_resolver *r)
{
	bool due = r->answer != NULL;

	r->answer = sd_event_source_disable_unref(r->answer);
	if (r->timeout)
		(void) sd_event_source_set_enabled(r->timeout, SD_EVENT_OFF);
	return due;
}

void mqtt_resolver_cancel(struct mqtt_resolver *r)
{
	if (!r)
		return;
	/* Killed only while it owes an answer: until then it cannot have been reaped. */
	if (stop_waiting(r) && r->pid > 0)
		(void) kill(r->pid, SIGKILL);
	(void) reap(r, false);
}

struct mqtt_resolver *mqtt_resolver_free(struct mqtt_resolver *r)
{
	if (!r)
		return NULL;
	mqtt_resolver_cancel(r);
	r->timeout = sd_event_source_disable_unref(r->timeout);
	sd_event_unref(r->event);
	free(r->host);
	free(r);
	return NULL;
}

/* Looks @host up as libmosquitto does (any family, TCP) and writes the record to @fd. */
static void resolve_child(const char *host, int fd, pid_t parent)
{
	const struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct mqtt_resolve_record rec;
	struct addrinfo *list = NULL;
	ssize_t n;

	child_bind_to_parent(parent, "bedroomd-dns");
	fd = child_keep_only(fd);
	if (fd < 0)
		_exit(1);
	memset(&rec, 0, sizeof(rec));
	rec.eai = getaddrinfo(host, NULL, &hints, &list);
	if (rec.eai == EAI_SYSTEM)
		rec.sys_errno = errno;
	for (const struct addrinfo *ai = list; ai && rec.n_addresses < MQTT_RESOLVE_MAX_ADDRESSES;
	     ai = ai->ai_next)
		/* Numeric, with a link-local address's scope: nothing more is looked up. */
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, rec.addresses[rec.n_addresses],
				MQTT_RESOLVE_ADDRESS_MAX, NULL, 0, NI_NUMERICHOST) == 0)
			rec.n_addresses++;
	if (list)
		freeaddrinfo(list);
	do
		n = write(fd, &rec, sizeof(rec));
	while (n < 0 && errno == EINTR);
	/* _exit: no atexit handlers, no stdio flush of the parent's buffers. */
	_exit(n == (ssize_t) sizeof(rec) ? 0 : 1);
}

/* @rec's failure as a negative errno, its words in r->why. */
static int failure(struct mqtt_resolver *r, const struct mqtt_resolve_record *rec)
{
	int error;

	switch (rec->eai) {
	case EAI_NONAME:
	case EAI_NODATA:
	case EAI_ADDRFAMILY:
		error = -EHOSTUNREACH;
		break;
	case EAI_AGAIN:
		error = -EAGAIN;
		break;
	case EAI_MEMORY:
		error = -ENOMEM;
		break;
	case EAI_SYSTEM:
		error = rec->sys_errno > 0 ? -rec->sys_errno : -EIO;
		break;
	case 0:
		/* It said yes, and gave no address (none had numeric text): no use. */
		snprintf(r->why, sizeof(r->why), "no address given for it");
		return -EHOSTUNREACH;
	default: /* EAI_FAIL, and what this lookup cannot cause (EAI_BADFLAGS, ...) */
		error = -EIO;
		break;
	}
	snprintf(r->why, sizeof(r->why), "%s",
		 rec->eai == EAI_SYSTEM ? strerror(-error) : gai_strerror(rec->eai));
	return error;
}

static int on_answer(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct mqtt_resolver *r = userdata;
	struct mqtt_resolve_record rec;
	struct mqtt_resolved res = { 0 };
	ssize_t n;

	do
		n = read(fd, &rec, sizeof(rec));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n < 0)
		res.error = -errno;
	(void) stop_waiting(r);
	/* It answered or closed the pipe: it is about to be gone. */
	(void) reap(r, true);
	if (res.error == 0 && n != (ssize_t) sizeof(rec))
		res.error = -EPIPE;
	if (res.error < 0) {
		snprintf(r->why, sizeof(r->why), "the lookup ended without an answer (%s)",
			 strerror(-res.error));
	} else if (rec.eai != 0 || rec.n_addresses == 0 ||
		   rec.n_addresses > MQTT_RESOLVE_MAX_ADDRESSES) {
		rec.eai = rec.n_addresses > MQTT_RESOLVE_MAX_ADDRESSES ? EAI_FAIL : rec.eai;
		res.error = failure(r, &rec);
	} else {
		for (uint32_t i = 0; i < rec.n_addresses; i++) {
			rec.addresses[i][MQTT_RESOLVE_ADDRESS_MAX - 1] = '\0';
			res.addresses[res.n_addresses++] = rec.addresses[i];
		}
	}
	res.why = res.error < 0 ? r->why : NULL;
	/* Last: the handler may start the next lookup, or free @r. */
	r->handler(&res, r->userdata);
	return 0;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct mqtt_resolver *r = userdata;
	struct mqtt_resolved res = { .error = -ETIMEDOUT, .why = r->why };

	mqtt_resolver_cancel(r);
	snprintf(r->why, sizeof(r->why), "no answer from the name service in %llu s",
		 (unsigned long long) (MQTT_RESOLVE_TIMEOUT_USEC / 1000000ULL));
	/* Last: the handler may start the next lookup, or free @r. */
	r->handler(&res, r->userdata);
	return 0;
}

static int arm_timeout(struct mqtt_resolver *r)
{
	int ret;

	if (!r->timeout) {
		ret = sd_event_add_time_relative(r->event, &r->timeout, CLOCK_MONOTONIC,
						 MQTT_RESOLVE_TIMEOUT_USEC, 0, on_timeout, r);
		if (ret >= 0)
			ret = event_source_describe(r->timeout, "mqtt-resolve-timeout");
		if (ret < 0)
			r->timeout = sd_event_source_disable_unref(r->timeout);
		return ret;
	}
	ret = sd_event_source_set_time_relative(r->timeout, MQTT_RESOLVE_TIMEOUT_USEC);
	if (ret >= 0)
		ret = sd_event_source_set_enabled(r->timeout, SD_EVENT_ONESHOT);
	return ret;
}

int mqtt_resolver_start(struct mqtt_resolver *r)
{
	pid_t parent, pid;
	int fds[2], ret;

	assert(r);
	if (r->answer || !reap(r, false))
		return -EBUSY;
	parent = getpid();
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(fds[0]);
		close(fds[1]);
		return ret;
	}
	if (pid == 0) {
		close(fds[0]);
		resolve_child(r->host, fds[1], parent);
	}
	close(fds[1]);
	r->pid = pid;
	ret = sd_event_add_io(r->event, &r->answer, fds[0], EPOLLIN, on_answer, r);
	if (ret < 0) {
		close(fds[0]);
		goto out;
	}
	/* The source closes the pipe when it goes, after taking it off epoll. */
	ret = sd_event_source_set_io_fd_own(r->answer, true);
	if (ret < 0) {
		r->answer = sd_event_source_disable_unref(r->answer);
		close(fds[0]);
		goto out;
	}
	ret = event_source_describe(r->answer, "mqtt-resolve");
	if (ret >= 0)
		ret = arm_timeout(r);
	if (ret >= 0)
		return 0;
out:
	/* An answer is not awaited, or is and goes now: the child is killed either way. */
	r->answer = sd_event_source_disable_unref(r->answer);
	(void) kill(r->pid, SIGKILL);
	(void) reap(r, false);
	return ret;
}
