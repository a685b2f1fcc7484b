#include "sensors/temp-source.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "sensors/sensor-defaults.h"
#include "util/child.h"

struct temp_source {
	const struct temp_source_ops *ops;
	void *data;
	pid_t pid; /* the measuring child, until reaped; 0 when none */
	int fd;    /* read end of its pipe while a result is due; -1 otherwise */
};

/* What the child sends back: one write, far below PIPE_BUF, so atomic. */
struct temp_source_record {
	int32_t r;
	struct temp_reading reading;
};

/* Every backend under its name, from its line in TEMP_SOURCE_TYPES. */
#define BACKEND(id, name) { #name, &temp_##name##_ops },
static const struct {
	const char *type;
	const struct temp_source_ops *ops;
} backends[] = { TEMP_SOURCE_TYPES(BACKEND) };
#undef BACKEND

const struct temp_source_ops *temp_source_ops_find(const char *type)
{
	if (!type)
		return NULL;
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backends[i].type, type) == 0)
			return backends[i].ops;
	return NULL;
}

int temp_source_new(const struct temp_source_params *p, struct temp_source **ret, char **ret_error)
{
	struct temp_source_params q;
	const struct temp_source_ops *ops;
	struct temp_source *s;
	char *error = NULL;
	void *data = NULL;
	int r;

	assert(p);
	assert(ret);
	q = *p;
	ops = temp_source_ops_find(p->type);
	if (!ops)
		return -EINVAL;
	if (!q.sysfs_root)
		q.sysfs_root = TEMP_SOURCE_DEFAULT_SYSFS_ROOT;
	r = ops->open(&q, &data, &error);
	if (r < 0) {
		if (ret_error)
			*ret_error = error;
		else
			free(error);
		return r;
	}
	free(error);
	s = calloc(1, sizeof(*s));
	if (!s) {
		ops->close(data);
		return -ENOMEM;
	}
	s->ops = ops;
	s->data = data;
	s->fd = -1;
	*ret = s;
	return 0;
}

static bool temp_source_reap(struct temp_source *s, bool wait)
{
	return child_reap(&s->pid, wait);
}

void temp_source_cancel(struct temp_source *s)
{
	if (!s)
		return;
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
		if (s->pid > 0)
			kill(s->pid, SIGKILL);
	}
	temp_source_reap(s, false);
}

struct temp_source *temp_source_free(struct temp_source *s)
{
	if (!s)
		return NULL;
	/*
	 * Killed and reaped if already gone, never waited for: a child stuck in an
	 * uninterruptible read of a wedged bus would hold up the loop (a reload)
	 * for as long as the driver takes. The daemon ignores SIGCHLD, so the
	 * kernel reaps it when it ends; elsewhere it is a zombie until then.
	 */
	temp_source_cancel(s);
	s->ops->close(s->data);
	free(s);
	return NULL;
}

const struct temp_source_ops *temp_source_get_ops(const struct temp_source *s)
{
	assert(s);
	return s->ops;
}

const char *temp_source_device(const struct temp_source *s)
{
	assert(s);
	return s->ops->device ? s->ops->device(s->data) : NULL;
}

static void temp_source_child(struct temp_source *s, int fd, pid_t parent)
{
	struct temp_source_record rec;
	ssize_t n;

	child_bind_to_parent(parent, "bedroomd-sensor");
	fd = child_keep_only(fd);
	if (fd < 0)
		_exit(1);
	memset(&rec, 0, sizeof(rec));
	rec.r = s->ops->measure(s->data, &rec.reading);
	do
		n = write(fd, &rec, sizeof(rec));
	while (n < 0 && errno == EINTR);
	/* _exit: no atexit handlers, no stdio flush of the parent's buffers. */
	_exit(n == (ssize_t) sizeof(rec) ? 0 : 1);
}

int temp_source_start(struct temp_source *s, uint64_t *ret_conversion_usec)
{
	assert(s);
	assert(ret_conversion_usec);
	pid_t parent, pid;
	int fds[2];

	if (s->fd >= 0 || !temp_source_reap(s, false))
		return -EBUSY;
	parent = getpid();
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid == 0) {
		close(fds[0]);
		temp_source_child(s, fds[1], parent);
	}
	close(fds[1]);
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0) {
		int r = -errno;

		close(fds[0]);
		kill(pid, SIGKILL);
		s->pid = pid;
		temp_source_reap(s, false);
		return r;
	}
	s->pid = pid;
	s->fd = fds[0];
	*ret_conversion_usec = s->ops->conversion_usec;
	return 0;
}

int temp_source_fd(const struct temp_source *s)
{
	assert(s);
	return s->fd >= 0 ? s->fd : -EBADF;
}

int temp_source_read(struct temp_source *s, struct temp_reading *ret)
{
	struct temp_source_record rec;
	ssize_t n;

	assert(s);
	assert(ret);
	if (s->fd < 0)
		return -ECHILD;
	do
		n = read(s->fd, &rec, sizeof(rec));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return -EAGAIN;
	if (n < 0) {
		int r = -errno;

		temp_source_cancel(s);
		return r;
	}
	close(s->fd);
	s->fd = -1;
	temp_source_reap(s, true);
	if (n != (ssize_t) sizeof(rec))
		return -EPIPE;
	if (rec.r < 0)
		return rec.r;
	*ret = rec.reading;
	return 0;
}

int temp_source_measure(struct temp_source *s, struct temp_reading *ret)
{
	struct temp_reading reading = { 0 };
	int r;

	assert(s);
	assert(ret);
	r = s->ops->measure(s->data, &reading);
	if (r < 0)
		return r;
	*ret = reading;
	return 0;
}
