#include "tests/integration/harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void local_time_in(int in_s, char *buf, size_t size)
{
	time_t t = time(NULL) + in_s;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

int make_temp_dir(char *buf, size_t size, const char *what)
{
	snprintf(buf, size, "%s/bedroomd-%s-XXXXXX", env_or("TMPDIR", "/tmp"), what);
	return mkdtemp(buf) ? 0 : -errno;
}

void remove_tree(const char *dir)
{
	char cmd[300];

	if (!dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "# cannot remove '%s'\n", dir);
}

int harness_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int port = -errno;

	if (fd < 0)
		return port;
	if (bind(fd, (struct sockaddr *) &a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *) &a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static bool port_accepts(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t) port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	ok = connect(fd, (struct sockaddr *) &a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

/* Sets each "NAME=VALUE" of @env in the child; "@PID@" in a value becomes its PID. */
static void child_env(const char *const *env)
{
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '='), *pid_at;
		char name[128], value[512];

		if (!eq || (size_t) (eq - env[i]) >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int) (eq - env[i]), env[i]);
		pid_at = strstr(eq + 1, "@PID@");
		if (pid_at)
			snprintf(value, sizeof(value), "%.*s%d%s", (int) (pid_at - eq - 1), eq + 1,
				 (int) getpid(), pid_at + strlen("@PID@"));
		else
			snprintf(value, sizeof(value), "%s", eq + 1);
		setenv(name, value, 1);
	}
}

static pid_t spawn_env(const char *const *argv, const char *stderr_path, const char *notify,
		       const char *const *env)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	if (stderr_path) {
		int fd = open(stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (fd >= 0) {
			dup2(fd, STDERR_FILENO);
			dup2(fd, STDOUT_FILENO);
		}
	}
	if (notify)
		setenv("NOTIFY_SOCKET", notify, 1);
	else
		unsetenv("NOTIFY_SOCKET");
	child_env(env);
	{
		char *args[32] = { NULL };

		for (size_t i = 0; argv[i] && i < 31; i++)
			args[i] = strdup(argv[i]);
		execv(args[0], args);
	}
	fprintf(stderr, "cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

static pid_t spawn(const char *const *argv, const char *stderr_path, const char *notify)
{
	return spawn_env(argv, stderr_path, notify, NULL);
}

static int wait_pid(pid_t pid, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	int status;

	do {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -errno;
		usleep(10000);
	} while (now_ms() < end);
	return -ETIMEDOUT;
}

static void stop_pid(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	if (wait_pid(*pid, 5000) == -ETIMEDOUT) {
		kill(*pid, SIGKILL);
		(void) wait_pid(*pid, 5000);
	}
	*pid = 0;
}

/* The whole file at @path (an empty string when it cannot be read); caller frees. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	size_t size = 0, cap = 65536, n;
	char *buf = malloc(cap), *p;

	if (!f || !buf) {
		if (f)
			fclose(f);
		return buf ? (buf[0] = '\0', buf) : NULL;
	}
	/* All of it: a debug log of a long test runs past any fixed size. */
	while ((n = fread(buf + size, 1, cap - size - 1, f)) > 0) {
		size += n;
		if (size + 1 < cap)
			continue;
		p = realloc(buf, cap * 2);
		if (!p)
			break;
		buf = p;
		cap *= 2;
	}
	buf[size] = '\0';
	fclose(f);
	return buf;
}

int daemon_log_count(struct daemon *d, const char *needle)
{
	char *log = daemon_stderr(d);
	int n = 0;

	for (const char *p = log; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	free(log);
	return n;
}

char *daemon_stderr(struct daemon *d)
{
	return read_file(d->stderr_path);
}

int broker_restart(struct broker *b)
{
	char conf[128], log[128];
	const char *argv[] = { env_or("MOSQUITTO", "/usr/sbin/mosquitto"), "-c", conf, NULL };
	FILE *f;

	snprintf(conf, sizeof(conf), "%s/mosquitto.conf", b->dir);
	snprintf(log, sizeof(log), "%s/mosquitto.log", b->dir);
	f = fopen(conf, "we");
	if (!f)
		return -errno;
	/* Subscriptions are logged too: tests read what a client subscribed and dropped. */
	fprintf(f,
		"listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n"
		"log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
		"log_type subscribe\nlog_type unsubscribe\n%s\n",
		b->port, b->extra_conf);
	fclose(f);
	b->pid = spawn(argv, log, NULL);
	if (b->pid < 0)
		return -errno;
	for (long long end = now_ms() + 5000; now_ms() < end; usleep(20000)) {
		if (port_accepts(b->port))
			return 0;
		if (waitpid(b->pid, NULL, WNOHANG) == b->pid) {
			b->pid = 0;
			return -EADDRINUSE;
		}
	}
	stop_pid(&b->pid);
	return -ETIMEDOUT;
}

int broker_start(struct broker *b)
{
	return broker_start_conf(b, NULL);
}

int broker_start_conf(struct broker *b, const char *extra_conf)
{
	int r = -EADDRINUSE;

	*b = (struct broker){ 0 };
	snprintf(b->extra_conf, sizeof(b->extra_conf), "%s", extra_conf ? extra_conf : "");
	r = make_temp_dir(b->dir, sizeof(b->dir), "broker");
	if (r < 0)
		return r;
	r = -EADDRINUSE;
	/* Another test may take the port between our probe and the broker's bind: retry. */
	for (int attempt = 0; attempt < 5 && r < 0; attempt++) {
		b->port = harness_free_port();
		r = b->port < 0 ? b->port : broker_restart(b);
	}
	if (r < 0)
		fprintf(stderr, "# cannot start mosquitto: %s\n", strerror(-r));
	return r;
}

char *broker_log(const struct broker *b)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/mosquitto.log", b->dir);
	return read_file(path);
}

void broker_stop(struct broker *b)
{
	stop_pid(&b->pid);
}

void broker_destroy(struct broker *b)
{
	broker_stop(b);
	remove_tree(b->dir);
	b->dir[0] = '\0';
}

int daemon_prepare(struct daemon *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int r;

	*d = (struct daemon){ .notify_fd = -1 };
	r = make_temp_dir(d->dir, sizeof(d->dir), "daemon");
	if (r < 0)
		return r;
	snprintf(d->config_path, sizeof(d->config_path), "%s/bedroomd.conf", d->dir);
	snprintf(d->state_dir, sizeof(d->state_dir), "%s/state", d->dir);
	snprintf(d->stderr_path, sizeof(d->stderr_path), "%s/stderr", d->dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/notify", d->dir);
	d->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (d->notify_fd < 0 || bind(d->notify_fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

int daemon_write_config(struct daemon *d, const char *text)
{
	FILE *f = fopen(d->config_path, "we");
	const char *hit;

	if (!f)
		return -errno;
	while ((hit = strstr(text, "@STATE_DIR@"))) {
		fwrite(text, 1, (size_t) (hit - text), f);
		fputs(d->state_dir, f);
		text = hit + strlen("@STATE_DIR@");
	}
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -errno;
}

/*
 * The daemon's command up to its own arguments: BEDROOMD_WRAPPER (a program that
 * runs its arguments, such as tests/valgrind/wrapper) first when it is set.
 */
static size_t daemon_command(const char **argv)
{
	const char *wrapper = getenv("BEDROOMD_WRAPPER");
	size_t n = 0;

	if (wrapper && *wrapper)
		argv[n++] = wrapper;
	argv[n++] = env_or("BEDROOMD", "bedroomd");
	return n;
}

int daemon_start_env(struct daemon *d, const char *const *env)
{
	const char *argv[8];
	char notify[128];
	size_t n = daemon_command(argv);

	argv[n++] = "--config";
	argv[n++] = d->config_path;
	argv[n] = NULL;
	snprintf(notify, sizeof(notify), "%s/notify", d->dir);
	d->notify_log[0] = '\0';
	d->pid = spawn_env(argv, d->stderr_path, notify, env);
	return d->pid > 0 ? 0 : -errno;
}

int daemon_start(struct daemon *d, ...)
{
	const char *argv[16] = { NULL };
	char notify[128];
	size_t n = daemon_command(argv);
	va_list ap;

	argv[n++] = "--config";
	argv[n++] = d->config_path;
	va_start(ap, d);
	for (const char *a; n < 15 && (a = va_arg(ap, const char *));)
		argv[n++] = a;
	va_end(ap);
	snprintf(notify, sizeof(notify), "%s/notify", d->dir);
	d->notify_log[0] = '\0';
	d->pid = spawn(argv, d->stderr_path, notify);
	return d->pid > 0 ? 0 : -errno;
}

static void drain_notify(struct daemon *d)
{
	char buf[1024];
	ssize_t n;

	while ((n = recv(d->notify_fd, buf, sizeof(buf) - 1, 0)) > 0) {
		size_t used = strlen(d->notify_log);

		buf[n] = '\0';
		/* Keep the newest messages when the log is full. */
		if (used + (size_t) n + 2 >= sizeof(d->notify_log))
			used = 0;
		snprintf(d->notify_log + used, sizeof(d->notify_log) - used, "%s\n", buf);
	}
}

int daemon_wait_notify(struct daemon *d, const char *needle, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	do {
		struct pollfd p = { .fd = d->notify_fd, .events = POLLIN };

		drain_notify(d);
		if (strstr(d->notify_log, needle))
			return 0;
		(void) poll(&p, 1, 50);
	} while (now_ms() < end);
	return -ETIMEDOUT;
}

int daemon_wait_exit(struct daemon *d, int timeout_ms)
{
	int status = wait_pid(d->pid, timeout_ms);

	if (status >= 0)
		d->pid = 0;
	return status;
}

int daemon_wait_log(struct daemon *d, const char *needle, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	for (;;) {
		char *log = daemon_stderr(d);
		bool found = log && strstr(log, needle);

		free(log);
		if (found)
			return 0;
		if (now_ms() > end)
			return -ETIMEDOUT;
		usleep(100000);
	}
}

int daemon_start_online(struct daemon *d, struct client *c, const char *base)
{
	char availability[256];
	int r;

	snprintf(availability, sizeof(availability), "%s/availability", base);
	r = daemon_start(d, NULL);
	if (r >= 0)
		r = daemon_wait_notify(d, "READY=1", 10000);
	if (r >= 0 && !client_wait(c, availability, "online", 10000))
		r = -ETIMEDOUT;
	return r < 0 ? r : 0;
}

int store_count_rows(const char *db_path, const char *table, const char *where)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	int n = -1;

	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 1000);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE %s;", table, where);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

void daemon_destroy(struct daemon *d)
{
	if (d->pid > 0) {
		kill(d->pid, SIGKILL);
		(void) wait_pid(d->pid, 5000);
		d->pid = 0;
	}
	if (d->notify_fd >= 0)
		close(d->notify_fd);
	d->notify_fd = -1;
	remove_tree(d->dir);
	d->dir[0] = '\0';
}

int run_bedroomd(const char *const *args, char **ret_output)
{
	return run_program(env_or("BEDROOMD", "bedroomd"), args, ret_output);
}

int run_program(const char *program, const char *const *args, char **ret_output)
{
	char dir[64], out[128];
	const char *argv[16] = { program };
	struct daemon tmp = { 0 };
	int status, r;

	r = make_temp_dir(dir, sizeof(dir), "run");
	if (r < 0)
		return r;
	for (size_t i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	snprintf(out, sizeof(out), "%s/out", dir);
	status = wait_pid(spawn(argv, out, NULL), 10000);
	snprintf(tmp.stderr_path, sizeof(tmp.stderr_path), "%s", out);
	*ret_output = daemon_stderr(&tmp);
	remove_tree(dir);
	if (status < 0)
		return status;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

pid_t process_start(const char *const *argv, const char *log_path)
{
	pid_t pid = spawn(argv, log_path, NULL);

	return pid < 0 ? -errno : pid;
}

void process_stop(pid_t *pid)
{
	stop_pid(pid);
}

int harness_setup(struct broker *b, struct daemon *d, const char *filter, struct client **ret)
{
	d->notify_fd = -1;
	if (broker_start(b) < 0 || daemon_prepare(d) < 0 || client_new(b, filter, ret) < 0)
		return -1;
	return 0;
}

void harness_teardown(struct client *c, struct daemon *d, struct broker *b)
{
	char *log = d ? daemon_stderr(d) : NULL;

	if (log && *log)
		fprintf(stderr, "# bedroomd stderr:\n%s", log);
	free(log);
	client_free(c);
	if (d)
		daemon_destroy(d);
	if (b)
		broker_destroy(b);
}

int silent_listener(int *ret_port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int fd;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *) &addr, &len) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	*ret_port = ntohs(addr.sin_port);
	return fd;
}
