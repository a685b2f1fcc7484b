#include "bench/bench-subject.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bench/bench-util.h"
#include "tools/sim-room/sim-w1.h"

#define W1_DEVICE "28-0316a2795eff"

const char *bench_expected(double c)
{
	return c < 18.0 ? "ON" : "OFF";
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -errno;
}

/* bedroomd: the floor all day, no minimum on/off times, both plugs confirming. */
static int daemon_config(struct bench_subject *s)
{
	char text[2048], sensor[512];

	if (s->kind == BENCH_KIND_DAEMON_W1) {
		char sys[160];
		int r;

		snprintf(sys, sizeof(sys), "%s/sys", s->dir);
		r = sim_w1_plug(sys, W1_DEVICE);
		if (r >= 0)
			r = sim_w1_write(sys, W1_DEVICE, 18500);
		if (r < 0)
			return r;
		snprintf(sensor, sizeof(sensor),
			 "[room]\nsysfs_root = %s\n"
			 "[sensor.bed]\ntype = w1\ndevice = " W1_DEVICE "\ninterval = 30s\n",
			 sys);
	} else {
		snprintf(sensor, sizeof(sensor),
			 "[sensor.air]\ntype = mqtt\ntopic = %s\nmax_rate = 0\n", s->in_topic);
	}
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = %s\nstate_dir = %s/state\nlog_level = %s\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[heating]\nfloor = 18\nday_floor = 18\nmin_on = 0\nmin_off = 0\n"
		 "%s"
		 "[heater.gen]\ntype = generic\ncommand_topic = %s\nstate_topic = %s\n"
		 "[heater.tas]\ntype = tasmota\ntopic = tas%s\n",
		 s->id, s->dir, getenv("BENCH_LOG_LEVEL") ? getenv("BENCH_LOG_LEVEL") : "info",
		 s->port, sensor, s->out_topic[0], s->confirm_topic[0], s->id);
	return write_file(s->dir, "bedroomd.conf", text);
}

/* Node-RED: MQTT in, a function node with the relay's rule, MQTT out; no editor. */
static int nodered_config(struct bench_subject *s)
{
	char text[4096];
	int port = bench_free_port(), r;

	if (port < 0)
		return port;
	snprintf(text, sizeof(text),
		 "module.exports = { uiPort: %d, uiHost: '127.0.0.1', flowFile: 'flows.json',\n"
		 "  disableEditor: true, httpAdminRoot: false, credentialSecret: false,\n"
		 "  diagnostics: { enabled: false }, telemetry: { enabled: false },\n"
		 "  logging: { console: { level: 'warn' } } };\n",
		 port);
	r = write_file(s->dir, "settings.js", text);
	if (r < 0)
		return r;
	snprintf(text, sizeof(text),
		 "[{\"id\":\"b\",\"type\":\"mqtt-broker\",\"broker\":\"127.0.0.1\",\"port\":\"%d\","
		 "\"clientid\":\"\",\"protocolVersion\":\"4\",\"keepalive\":\"60\","
		 "\"cleansession\":true,"
		 "\"birthTopic\":\"%s\",\"birthQos\":\"1\",\"birthRetain\":\"true\","
		 "\"birthPayload\":\"online\"},"
		 "{\"id\":\"t\",\"type\":\"tab\",\"label\":\"relay\"},"
		 "{\"id\":\"i\",\"type\":\"mqtt in\",\"z\":\"t\",\"topic\":\"%s\",\"qos\":\"0\","
		 "\"datatype\":\"utf8\",\"broker\":\"b\",\"wires\":[[\"f\"]]},"
		 "{\"id\":\"f\",\"type\":\"function\",\"z\":\"t\",\"func\":\"const on = "
		 "parseFloat(msg.payload) < 18;\\nif (context.get('on') === on) return null;\\n"
		 "context.set('on', on);\\nreturn { payload: on ? 'ON' : 'OFF' };\","
		 "\"outputs\":1,\"wires\":[[\"o\"]]},"
		 "{\"id\":\"o\",\"type\":\"mqtt out\",\"z\":\"t\",\"topic\":\"%s\",\"qos\":\"1\","
		 "\"retain\":\"false\",\"broker\":\"b\",\"wires\":[]}]\n",
		 s->port, s->online_topic, s->in_topic, s->out_topic[0]);
	return write_file(s->dir, "flows.json", text);
}

static int bind_notify(struct bench_subject *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if ((size_t) snprintf(sa.sun_path, sizeof(sa.sun_path), "%.90s/notify", s->dir) >=
	    sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	s->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->notify_fd < 0 || bind(s->notify_fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

int bench_subject_init(struct bench_subject *s, enum bench_kind kind, const struct bench_paths *p,
		       int port, const char *id)
{
	static const char *const names[] = {
		[BENCH_KIND_RELAY] = "floor relay",
		[BENCH_KIND_DAEMON] = "bedroomd",
		[BENCH_KIND_DAEMON_W1] = "bedroomd (w1)",
		[BENCH_KIND_NODERED] = "Node-RED",
	};
	int r;

	*s = (struct bench_subject){
		.kind = kind, .name = names[kind], .paths = p, .port = port, .notify_fd = -1
	};
	snprintf(s->id, sizeof(s->id), "%s", id);
	r = bench_temp_dir(s->dir, sizeof(s->dir), id);
	if (r < 0)
		return r;
	snprintf(s->in_topic, sizeof(s->in_topic), "bench/%s/temperature", id);
	snprintf(s->out_topic[0], sizeof(s->out_topic[0]), "bench/%s/plug/set", id);
	snprintf(s->confirm_topic[0], sizeof(s->confirm_topic[0]), "bench/%s/plug/state", id);
	switch (kind) {
	case BENCH_KIND_RELAY:
		snprintf(s->online_topic, sizeof(s->online_topic), "bench/%s/online", id);
		return 0;
	case BENCH_KIND_NODERED:
		snprintf(s->online_topic, sizeof(s->online_topic), "bench/%s/online", id);
		return nodered_config(s);
	case BENCH_KIND_DAEMON:
	case BENCH_KIND_DAEMON_W1:
		break;
	}
	snprintf(s->out_topic[1], sizeof(s->out_topic[1]), "cmnd/tas%s/POWER", id);
	snprintf(s->confirm_topic[1], sizeof(s->confirm_topic[1]), "stat/tas%s/POWER", id);
	snprintf(s->online_topic, sizeof(s->online_topic), "bedroomd/%s/availability", id);
	r = bind_notify(s);
	return r < 0 ? r : daemon_config(s);
}

int bench_subject_launch(struct bench_subject *s)
{
	char port[16], log[192], conf[192], notify[192], settings[192];
	const char *argv[8] = { NULL };

	snprintf(port, sizeof(port), "%d", s->port);
	snprintf(log, sizeof(log), "%s/log", s->dir);
	switch (s->kind) {
	case BENCH_KIND_RELAY:
		argv[0] = s->paths->relay;
		argv[1] = port;
		argv[2] = s->in_topic;
		argv[3] = s->out_topic[0];
		argv[4] = s->online_topic;
		break;
	case BENCH_KIND_DAEMON:
	case BENCH_KIND_DAEMON_W1:
		snprintf(conf, sizeof(conf), "%s/bedroomd.conf", s->dir);
		argv[0] = s->paths->daemon;
		argv[1] = "--config";
		argv[2] = conf;
		break;
	case BENCH_KIND_NODERED:
		snprintf(settings, sizeof(settings), "%s/settings.js", s->dir);
		argv[0] = s->paths->node;
		argv[1] = s->paths->node_red_js;
		argv[2] = "--userDir";
		argv[3] = s->dir;
		argv[4] = "--settings";
		argv[5] = settings;
		break;
	}
	snprintf(notify, sizeof(notify), "%s/notify", s->dir);
	s->ready_usec = 0;
	s->launch_usec = bench_now_usec();
	s->pid = bench_spawn(argv, log, s->notify_fd >= 0 ? notify : NULL, NULL);
	return s->pid > 0 ? 0 : -ECHILD;
}

int bench_subject_wait_ready(struct bench_subject *s, uint64_t timeout_usec)
{
	uint64_t end = bench_now_usec() + timeout_usec;
	char buf[1024];

	while (s->notify_fd >= 0 && bench_now_usec() < end) {
		struct pollfd p = { .fd = s->notify_fd, .events = POLLIN };
		ssize_t n;

		(void) poll(&p, 1, (int) ((end - bench_now_usec()) / 1000 + 1));
		while ((n = recv(s->notify_fd, buf, sizeof(buf) - 1, 0)) > 0) {
			buf[n] = '\0';
			if (!s->ready_usec && strstr(buf, "READY=1"))
				s->ready_usec = bench_now_usec();
		}
		if (s->ready_usec)
			return 0;
	}
	return -ETIMEDOUT;
}

void bench_subject_stop(struct bench_subject *s)
{
	bench_stop(&s->pid);
}

void bench_subject_done(struct bench_subject *s)
{
	bench_subject_stop(s);
	if (s->notify_fd >= 0)
		close(s->notify_fd);
	s->notify_fd = -1;
	bench_remove_tree(s->dir);
	s->dir[0] = '\0';
}
