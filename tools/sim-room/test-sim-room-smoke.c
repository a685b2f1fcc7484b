/*
 * sim-room-smoke: a real mosquitto on a free port, bedroomd-sim-room at 600 times
 * real time; the plug answers POWER, keeps its dead-man, the sensor file warms,
 * and SIGTERM leaves the last will said and the exit status 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define DEV "28-0316a2795eff"

static int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* t= of the w1_slave file, in millidegrees; INT32_MIN if unreadable. */
static long read_sensor(const char *sys)
{
	char path[256], text[256];
	const char *t;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bus/w1/devices/" DEV "/w1_slave", sys);
	f = fopen(path, "re");
	if (!f)
		return -1000000;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	t = strstr(text, "YES\n") ? strstr(text, "t=") : NULL;
	return t ? strtol(t + 2, NULL, 10) : -1000000;
}

static pid_t start_sim(const struct broker *b, const char *sys)
{
	const char *exe = getenv("SIM_ROOM");
	char broker[64];
	pid_t pid;

	snprintf(broker, sizeof(broker), "127.0.0.1:%d", b->port);
	pid = fork();
	if (pid == 0) {
		execl(exe ? exe : "bedroomd-sim-room", "bedroomd-sim-room", "--broker", broker,
		      "--tasmota", "smoke", "--sysfs", sys, "--speed", "600", "--outdoor", "0",
		      "--initial", "15", "--duration", "30", "--tele-period", "1", (char *) NULL);
		_exit(127);
	}
	return pid;
}

int main(void)
{
	char sys[] = "/tmp/bedroomd-sim-room-smoke-XXXXXX", cmd[128];
	struct client *c = NULL;
	struct broker b;
	long before, after;
	pid_t pid;
	int status = -1;

	if (broker_start(&b) < 0 || !mkdtemp(sys))
		return 1;
	CHECK(client_new(&b, "#", &c) == 0);
	pid = start_sim(&b, sys);
	CHECK(pid > 0);
	CHECK(c && client_wait(c, "tele/smoke/LWT", "Online", 5000));

	/* The sensor exists from the start. */
	before = read_sensor(sys);
	CHECK(before > 10000 && before < 20000);

	/* On, with a dead-man of 10 min: it answers like Tasmota. */
	CHECK(client_publish(c, "cmnd/smoke/Backlog", "PulseTime1 700;Power ON", false) == 0);
	CHECK(client_wait(c, "stat/smoke/RESULT", "~\"Set\":700", 3000));
	CHECK(client_wait(c, "stat/smoke/POWER", "ON", 3000));
	CHECK(client_wait(c, "tele/smoke/SENSOR", "~\"Power\":1", 5000));

	/* 3 s at 600 times: half an hour of 1500 W. */
	usleep(3000 * 1000);
	after = read_sensor(sys);
	fprintf(stderr, "# sensor %ld -> %ld m°C\n", before, after);
	CHECK(after > before + 500);

	/* A short PulseTime is a dead-man that fires. */
	client_clear(c);
	CHECK(client_publish(c, "cmnd/smoke/PulseTime1", "5", false) == 0);
	CHECK(client_publish(c, "cmnd/smoke/POWER", "ON", false) == 0);
	CHECK(client_wait(c, "stat/smoke/POWER", "ON", 3000));
	CHECK(client_wait(c, "stat/smoke/POWER", "OFF", 3000));

	/* A query answers with the state. */
	client_clear(c);
	CHECK(client_publish(c, "cmnd/smoke/POWER", "", false) == 0);
	CHECK(client_wait(c, "stat/smoke/POWER", "OFF", 3000));

	/* SIGTERM: last will said, exit 0. */
	client_clear(c);
	kill(pid, SIGTERM);
	for (int i = 0; i < 50 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(100 * 1000);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (!WIFEXITED(status) && !WIFSIGNALED(status)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	CHECK(client_wait(c, "tele/smoke/LWT", "Offline", 3000));

	client_free(c);
	broker_destroy(&b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sys);
	CHECK(system(cmd) == 0);
	fprintf(stderr, "# %d failure(s)\n", failures);
	return failures ? 1 : 0;
}
