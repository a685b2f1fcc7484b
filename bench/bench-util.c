#include "bench/bench-util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

uint64_t bench_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

void bench_sleep_usec(uint64_t usec)
{
	struct timespec ts = { .tv_sec = (time_t) (usec / 1000000ULL),
			       .tv_nsec = (long) (usec % 1000000ULL) * 1000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int bench_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int port;

	if (fd < 0)
		return -errno;
	port = bind(fd, (struct sockaddr *) &a, sizeof(a)) == 0 &&
		       getsockname(fd, (struct sockaddr *) &a, &len) == 0
		   ? ntohs(a.sin_port)
		   : -errno;
	close(fd);
	return port;
}

int bench_temp_dir(char *buf, size_t size, const char *what)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, size, "%s/bedroomd-bench-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", what);
	return mkdtemp(buf) ? 0 : -errno;
}

void bench_remove_tree(const char *dir)
{
	const char *argv[] = { "/bin/rm", "-rf", "--", dir, NULL };
	pid_t pid;

	/* BENCH_KEEP: leave every directory (logs, configs, stores) for a look. */
	if (!dir || !dir[0] || getenv("BENCH_KEEP"))
		return;
	pid = bench_spawn(argv, NULL, NULL, NULL);
	if (pid > 0)
		(void) bench_wait(pid, 30000000ULL);
}

pid_t bench_spawn(const char *const *argv, const char *log_path, const char *notify,
		  const char *const *env)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid > 0)
		return pid;
	/* Nothing outlives a bench killed half-way (a ctest timeout). */
	(void) prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (log_path) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
	}
	if (notify)
		setenv("NOTIFY_SOCKET", notify, 1);
	else
		unsetenv("NOTIFY_SOCKET");
	for (size_t i = 0; env && env[i]; i++)
		putenv((char *) (uintptr_t) env[i]);
	execv(argv[0], (char *const *) (uintptr_t) argv);
	fprintf(stderr, "cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

int bench_wait(pid_t pid, uint64_t timeout_usec)
{
	uint64_t end = bench_now_usec() + timeout_usec;
	int status;

	do {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -errno;
		bench_sleep_usec(2000);
	} while (bench_now_usec() < end);
	return -ETIMEDOUT;
}

void bench_stop(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	if (bench_wait(*pid, 5000000ULL) == -ETIMEDOUT) {
		kill(*pid, SIGKILL);
		(void) bench_wait(*pid, 5000000ULL);
	}
	*pid = 0;
}

bool bench_port_accepts(int port)
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

static int broker_try(struct bench_broker *b)
{
	const char *bin = getenv("MOSQUITTO");
	char conf[192], log[192];
	const char *argv[] = { bin && *bin ? bin : "/usr/sbin/mosquitto", "-c", conf, NULL };
	FILE *f;

	b->port = bench_free_port();
	if (b->port < 0)
		return b->port;
	snprintf(conf, sizeof(conf), "%s/mosquitto.conf", b->dir);
	snprintf(log, sizeof(log), "%s/mosquitto.log", b->dir);
	f = fopen(conf, "we");
	if (!f)
		return -errno;
	fprintf(f, "listener %d 127.0.0.1\nallow_anonymous true\n", b->port);
	/* Not the default: for the figure "with the broker's set_tcp_nodelay". */
	if (getenv("BENCH_BROKER_NODELAY"))
		fprintf(f, "set_tcp_nodelay true\n");
	fclose(f);
	b->pid = bench_spawn(argv, log, NULL, NULL);
	if (b->pid < 0)
		return b->pid;
	for (uint64_t end = bench_now_usec() + 5000000ULL; bench_now_usec() < end;) {
		if (bench_port_accepts(b->port))
			return 0;
		if (waitpid(b->pid, NULL, WNOHANG) == b->pid) {
			b->pid = 0;
			return -EADDRINUSE;
		}
		bench_sleep_usec(10000);
	}
	bench_stop(&b->pid);
	return -ETIMEDOUT;
}

int bench_broker_start(struct bench_broker *b)
{
	int r;

	*b = (struct bench_broker){ 0 };
	r = bench_temp_dir(b->dir, sizeof(b->dir), "broker");
	if (r < 0)
		return r;
	/* Another program may take the port between the probe and the bind: try again. */
	r = -EADDRINUSE;
	for (int i = 0; i < 5 && r == -EADDRINUSE; i++)
		r = broker_try(b);
	return r;
}

void bench_broker_stop(struct bench_broker *b)
{
	bench_stop(&b->pid);
	bench_remove_tree(b->dir);
	b->dir[0] = '\0';
}

/* The value of "@key:" in /proc/@pid/@file, in the file's unit (kB for sizes). */
static uint64_t proc_field(const char *path, const char *key)
{
	size_t len = strlen(key);
	uint64_t v = 0;
	char line[256];
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, len) == 0 && line[len] == ':') {
			v = strtoull(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* utime + stime (and cutime + cstime into *children) of /proc/@pid/stat, in microseconds. */
static int proc_cpu(pid_t pid, uint64_t *self, uint64_t *children)
{
	unsigned long long ut, st;
	long long cut, cst;
	char path[64], buf[1024], *p;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* After the command name, which may hold spaces: fields 14 to 17. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld",
			 &ut, &st, &cut, &cst) != 4)
		return -EIO;
	*self = (ut + st) * 1000000ULL / (unsigned long long) hz;
	*children = (uint64_t) (cut + cst) * 1000000ULL / (uint64_t) hz;
	return 0;
}

/*
 * Adds a thread's time on a CPU, in nanoseconds, to *@sum. /proc/PID/stat
 * counts in clock ticks (10 ms): over 30 s of a subject that uses 0.3 % of a
 * CPU that is 9 of them, and a ratio of two such figures moved by a fifth
 * from run to run on rounding alone.
 */
static int task_run_nsec(const char *path, uint64_t *sum)
{
	unsigned long long ns;
	FILE *f = fopen(path, "re");
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "%llu", &ns);
	fclose(f);
	if (n != 1)
		return -EIO;
	*sum += ns;
	return 0;
}

int bench_proc_read(pid_t pid, struct bench_proc *ret)
{
	char path[96];
	struct dirent *de;
	uint64_t run_nsec = 0;
	bool schedstat = true;
	DIR *d;
	int r;

	*ret = (struct bench_proc){ 0 };
	r = proc_cpu(pid, &ret->cpu_usec, &ret->cpu_children_usec);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/status", (int) pid);
	ret->rss_kib = proc_field(path, "VmRSS");
	ret->hwm_kib = proc_field(path, "VmHWM");
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int) pid);
	ret->pss_kib = proc_field(path, "Pss");
	snprintf(path, sizeof(path), "/proc/%d/task", (int) pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char status[320];

		if (de->d_name[0] == '.')
			continue;
		snprintf(status, sizeof(status), "/proc/%d/task/%s/status", (int) pid, de->d_name);
		ret->wakeups += proc_field(status, "voluntary_ctxt_switches") +
				proc_field(status, "nonvoluntary_ctxt_switches");
		snprintf(status, sizeof(status), "/proc/%d/task/%s/schedstat", (int) pid,
			 de->d_name);
		if (task_run_nsec(status, &run_nsec) < 0)
			schedstat = false;
		ret->threads++;
	}
	closedir(d);
	if (schedstat)
		ret->cpu_usec = run_nsec / 1000;
	return 0;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return x < y ? -1 : x > y;
}

double bench_quantile(double *v, size_t n, double q)
{
	size_t k;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), compare_double);
	k = (size_t) (q * (double) n + 0.999999);
	return v[k > 0 ? k - 1 : 0];
}
