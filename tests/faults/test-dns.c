/*
 * The broker named by a host name while the name service is down. A router
 * that reboots at night, or an ISP outage with the LAN's DNS forwarding
 * upstream, makes every lookup wait for resolv.conf's timeouts: 10-40 s. The
 * daemon runs with dns-shim.c preloaded, which answers for one name as a
 * control file says: no answer for 60 s ("hang"), "does not exist", or
 * 127.0.0.1. WATCHDOG_USEC is 2 s, as in test-watchdog.c.
 *
 * While the name does not resolve, the loop must keep turning (WATCHDOG=1 at
 * its pace: systemd would otherwise kill the daemon at every attempt, for as
 * long as DNS is down), the journal must say why, and once the name resolves
 * the daemon connects. Each lookup runs in a child of the daemon: at most one
 * at a time, none left behind (no zombie, none orphaned by a reload or a
 * stop).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/faults/rig.h"

#define WATCHDOG_MS 2000
#define NAME        "mqtt.bedroom.home.arpa"

struct fixture {
	struct rig rig;
	char control[200]; /* the shim's FAULTS_DNS_FILE */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return f ? rig_setup(&f->rig, "dns", NULL, NULL, NULL) : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rig_teardown(&f->rig);
	free(f);
	return 0;
}

/* The name service now answers for NAME as @what says (see dns-shim.c); atomically. */
static void dns(struct fixture *f, const char *what)
{
	char tmp[210];
	FILE *file;

	snprintf(tmp, sizeof(tmp), "%s.new", f->control);
	file = fopen(tmp, "we");
	assert_non_null(file);
	fprintf(file, "%s\n", what);
	assert_int_equal(fclose(file), 0);
	assert_int_equal(rename(tmp, f->control), 0);
}

/* [mqtt] host is now @host in the daemon's configuration file. */
static void set_host(struct rig *r, const char *host)
{
	char text[8192], *line, *end;
	size_t len;
	FILE *file = fopen(r->daemon.config_path, "re");

	assert_non_null(file);
	len = fread(text, 1, sizeof(text) - 1, file);
	fclose(file);
	text[len] = '\0';
	line = strstr(text, "\nhost = ");
	assert_non_null(line);
	end = strchr(line + 1, '\n');
	assert_non_null(end);
	file = fopen(r->daemon.config_path, "we");
	assert_non_null(file);
	fprintf(file, "%.*s\nhost = %s%s", (int) (line - text), text, host, end);
	assert_int_equal(fclose(file), 0);
}

/*
 * The lookup children of @pid now (named bedroomd-dns; the w1 sensor's reads
 * are children too): how many, how many zombies; one of them in *ret_child.
 */
static int children_of(pid_t pid, int *ret_zombies, pid_t *ret_child)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	int n = 0, zombies = 0;

	assert_non_null(proc);
	while ((e = readdir(proc))) {
		char path[300], buf[512], state;
		size_t len;
		int ppid;
		FILE *file;
		const char *p;

		if (!isdigit((unsigned char) e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		file = fopen(path, "re");
		if (!file)
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, file);
		fclose(file);
		buf[len] = '\0';
		/* "pid (comm) state ppid ...": comm may hold anything, so from its last ')'. */
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 1, " %c %d", &state, &ppid) != 2 || ppid != pid ||
		    !strstr(buf, " (bedroomd-dns) "))
			continue;
		n++;
		zombies += state == 'Z';
		if (ret_child)
			*ret_child = (pid_t) atoi(e->d_name);
	}
	closedir(proc);
	if (ret_zombies)
		*ret_zombies = zombies;
	return n;
}

/*
 * Every wait below reads the notify socket meanwhile: WATCHDOG=1 comes every
 * second, and once the socket's queue is full sd_notify() blocks the daemon,
 * as a service manager that never reads would make it.
 */

/* Waits until the daemon has no children; 0, or the number left after @ms. */
static int wait_childless(struct rig *r, int ms)
{
	long long end = now_ms() + ms;
	int n;

	while ((n = children_of(r->daemon.pid, NULL, NULL)) > 0 && now_ms() < end) {
		rig_drain_notify(r);
		usleep(20000);
	}
	return n;
}

/* Waits until the daemon has a child (a lookup under way); returns it, or 0. */
static pid_t wait_child(struct rig *r, int ms)
{
	long long end = now_ms() + ms;
	pid_t child = 0;

	while (children_of(r->daemon.pid, NULL, &child) == 0 && now_ms() < end) {
		rig_drain_notify(r);
		usleep(20000);
	}
	return child;
}

/* Waits until the daemon's log holds @needle; 0 or -ETIMEDOUT. */
static int wait_log(struct rig *r, const char *needle, int ms)
{
	long long end = now_ms() + ms;

	while (rig_log_count(r, needle) == 0) {
		if (now_ms() > end)
			return -ETIMEDOUT;
		rig_drain_notify(r);
		usleep(20000);
	}
	return 0;
}

/* Waits until <base>/availability is "online"; true if it came within @ms. */
static bool wait_online(struct rig *r, int ms)
{
	long long end = now_ms() + ms;

	do {
		rig_drain_notify(r);
		if (client_wait(r->client, rig_topic(r, "availability"), "online", 200))
			return true;
	} while (now_ms() < end);
	return false;
}

/* Whether @pid is gone (or is no child of @parent any more: reaped, its number reused). */
static bool gone(pid_t pid, pid_t parent)
{
	char path[64], buf[512];
	const char *p;
	size_t len;
	int ppid;
	char state;
	FILE *file;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
	file = fopen(path, "re");
	if (!file)
		return true;
	len = fread(buf, 1, sizeof(buf) - 1, file);
	fclose(file);
	buf[len] = '\0';
	p = strrchr(buf, ')');
	return !p || sscanf(p + 1, " %c %d", &state, &ppid) != 2 || ppid != parent || state == 'Z';
}

static bool wait_gone(pid_t pid, pid_t parent, int ms)
{
	long long end = now_ms() + ms;

	while (!gone(pid, parent) && now_ms() < end)
		usleep(20000);
	return gone(pid, parent);
}

/* Waits until @pid has ended, whoever its parent is now (a bedroomd no more: ended). */
static bool wait_dead(pid_t pid, int ms)
{
	long long end = now_ms() + ms;
	char path[64], buf[512];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
	for (;;) {
		FILE *file = fopen(path, "re");
		size_t len;
		const char *p;

		if (!file)
			return true;
		len = fread(buf, 1, sizeof(buf) - 1, file);
		fclose(file);
		buf[len] = '\0';
		p = strrchr(buf, ')');
		if (!strstr(buf, "(bedroomd)") || (p && p[1] == ' ' && p[2] == 'Z'))
			return true;
		if (now_ms() > end)
			return false;
		usleep(20000);
	}
}

/*
 * Reads the notify socket for @ms: how many WATCHDOG=1 came, when the first
 * did (ms after the call), and the longest silence after it; whether READY=1
 * came. Also the most children of the daemon seen at once, and zombies among
 * them.
 */
struct pings {
	int n;
	long long first_ms, longest_gap_ms;
	int most_children, zombies;
	bool ready; /* READY=1 came */
};

static struct pings watch(struct rig *r, int ms)
{
	long long start = now_ms(), last = -1, end = start + ms, next_scan = start;
	struct pings p = { .first_ms = -1 };
	char buf[1024];

	while (now_ms() < end) {
		struct pollfd pfd = { .fd = r->daemon.notify_fd, .events = POLLIN };
		ssize_t len;

		(void) poll(&pfd, 1, 20);
		while ((len = recv(r->daemon.notify_fd, buf, sizeof(buf) - 1, 0)) > 0) {
			long long now = now_ms();

			buf[len] = '\0';
			p.ready |= strstr(buf, "READY=1") != NULL;
			if (!strstr(buf, "WATCHDOG=1"))
				continue;
			p.n++;
			if (last < 0)
				p.first_ms = now - start;
			else if (now - last > p.longest_gap_ms)
				p.longest_gap_ms = now - last;
			last = now;
		}
		if (now_ms() >= next_scan) {
			int zombies, n = children_of(r->daemon.pid, &zombies, NULL);

			p.most_children = n > p.most_children ? n : p.most_children;
			p.zombies += zombies;
			next_scan = now_ms() + 250;
		}
	}
	if (last >= 0 && end - last > p.longest_gap_ms)
		p.longest_gap_ms = end - last;
	return p;
}

/* Starts the daemon with the shim (NAME answered as f->control says) and the watchdog on. */
static void start(struct fixture *f)
{
	const char *lib = getenv("FAULTS_DNS_SHIM");
	char preload[300], name[100], control[240], asan[300];
	const char *env[] = { preload, name, control, "WATCHDOG_USEC=2000000", "WATCHDOG_PID=@PID@",
			      asan,    NULL };

	if (!lib || access(lib, R_OK) < 0)
		fail_msg("the DNS shim is missing: '%s'", lib ? lib : "");
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", lib);
	snprintf(name, sizeof(name), "FAULTS_DNS_NAME=%s", NAME);
	snprintf(control, sizeof(control), "FAULTS_DNS_FILE=%s", f->control);
	/* Under ASan (CI's second pass) the preloaded shim comes before its runtime. */
	snprintf(asan, sizeof(asan), "ASAN_OPTIONS=%s%sverify_asan_link_order=0",
		 getenv("ASAN_OPTIONS") ? getenv("ASAN_OPTIONS") : "",
		 getenv("ASAN_OPTIONS") ? ":" : "");
	assert_int_equal(daemon_start_env(&f->rig.daemon, env), 0);
}

static void test_dns_down_keeps_the_loop_turning(void **state)
{
	struct fixture *f = *state;
	struct rig *r = &f->rig;
	struct pings p;
	int zombies;

	snprintf(f->control, sizeof(f->control), "%s/dns", r->dir);
	dns(f, "hang");
	set_host(r, NAME);
	start(f);

	/* 30 s with the name service silent: two lookups time out meanwhile. */
	p = watch(r, 30000);
	printf("# DNS down: %d WATCHDOG=1 in 30 s, the first after %lld ms, longest silence %lld "
	       "ms; at most %d lookup child(ren) at once\n",
	       p.n, p.first_ms, p.longest_gap_ms, p.most_children);
	if (p.first_ms < 0 || p.first_ms > 5000)
		fail_msg("no WATCHDOG=1 within 5 s of the start (first after %lld ms): the loop "
			 "is held by the lookup",
			 p.first_ms);
	if (p.longest_gap_ms >= WATCHDOG_MS)
		fail_msg("the watchdog was not fed for %lld ms while DNS was down",
			 p.longest_gap_ms);
	assert_true(p.n >= 20);
	assert_true(p.most_children <= 1);
	assert_int_equal(p.zombies, 0);
	assert_true(p.ready);
	assert_int_equal(wait_log(r, "cannot reach MQTT broker " NAME ":", 1000), 0);
	assert_int_equal(
	    wait_log(r, "cannot resolve the host name: no answer from the name service in 15 s",
		     1000),
	    0);
	/* Said once per cause: the second timeout is no news. */
	assert_int_equal(rig_log_count(r, "no answer from the name service in 15 s (retrying"), 1);

	/* The name does not exist (any more): a new cause, said at once. */
	dns(f, "none");
	assert_int_equal(
	    wait_log(r, "cannot resolve the host name: Name or service not known", 45000), 0);

	/* The name service is back: the daemon connects. */
	dns(f, "127.0.0.1");
	assert_true(wait_online(r, 45000));
	assert_int_equal(wait_log(r, "connected to MQTT broker " NAME ":", 1000), 0);
	/* Every lookup's child is gone, reaped: none left, no zombie. */
	assert_int_equal(wait_childless(r, 2000), 0);
	assert_int_equal(children_of(r->daemon.pid, &zombies, NULL), 0);
	assert_int_equal(zombies, 0);
	printf("faults: dns: the broker's name unanswered for 30 s: %d WATCHDOG=1 (longest "
	       "silence %lld ms, WatchdogSec 2 s), 'no answer from the name service in 15 s' "
	       "said once, then 'Name or service not known'; connected once it resolved; 0 "
	       "children left\n",
	       p.n, p.longest_gap_ms);
}

/* A reload and a stop while a lookup hangs: its child goes with the connection. */
static void test_reload_and_stop_end_the_lookup(void **state)
{
	struct fixture *f = *state;
	struct rig *r = &f->rig;
	pid_t child;
	int status;

	snprintf(f->control, sizeof(f->control), "%s/dns", r->dir);
	dns(f, "hang");
	set_host(r, NAME);
	start(f);
	assert_int_equal(daemon_wait_notify(&r->daemon, "READY=1", 5000), 0);
	child = wait_child(r, 5000);
	assert_true(child > 0);

	/* A reload to a broker by its address: the lookup is given up, the new one connects. */
	set_host(r, "127.0.0.1");
	assert_int_equal(kill(r->daemon.pid, SIGHUP), 0);
	assert_true(wait_online(r, 10000));
	if (!wait_gone(child, r->daemon.pid, 2000))
		fail_msg("the lookup child %d outlived the reload", (int) child);
	assert_int_equal(wait_childless(r, 2000), 0);

	/* Back to the name, still unanswered; then a stop while its lookup hangs. */
	set_host(r, NAME);
	assert_int_equal(kill(r->daemon.pid, SIGHUP), 0);
	child = wait_child(r, 10000);
	assert_true(child > 0);
	rig_drain_notify(r);
	assert_int_equal(kill(r->daemon.pid, SIGTERM), 0);
	status = daemon_wait_exit(&r->daemon, 5000);
	assert_true(status >= 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Killed by the daemon, or by the kernel (PR_SET_PDEATHSIG); gone either way. */
	if (!wait_dead(child, 2000))
		fail_msg("the lookup child %d outlived the daemon", (int) child);
	printf("faults: dns: a reload and a stop while the lookup hung: its child gone with "
	       "each, the new broker connected\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dns_down_keeps_the_loop_turning, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reload_and_stop_end_the_lookup, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
