/*
 * bedroomd-sim-room: the simulated bedroom of sim/ as a process, for the demo
 * and the integration tests. It is the room's DS18B20 (a fake sysfs tree
 * under --sysfs, updated once a simulated minute) and its Tasmota plug on
 * MQTT (--tasmota TOPIC). The room runs --speed times faster than real time;
 * the plug's PulseTime counts in real time, like a real plug's.
 *
 * A test tool, not the daemon: one blocking loop around mosquitto_loop().
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <mosquitto.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/room.h"
#include "sim/weather.h"
#include "tools/sim-room/sim-plug.h"
#include "tools/sim-room/sim-w1.h"

#define USEC_PER_SEC   1000000ULL
#define SENSOR_PERIOD  60.0 /* simulated seconds between readings */
#define LOOP_MS        20
#define RECONNECT_USEC (1 * USEC_PER_SEC)

struct options {
	const char *host;
	int port;
	const char *tasmota;
	const char *sysfs;
	const char *device;
	const char *weather;
	const char *start;
	double speed, outdoor_c, initial_c, duration_s, tele_s;
	double mute_after_s, freeze_after_s, unplug_after_s;
	enum sim_room_variant variant;
	int status_fd;
};

struct sim {
	struct options o;
	struct sim_room *room;
	struct sim_weather *weather;
	struct sim_plug *plug;
	struct mosquitto *mosq;
	bool connected, muted;
	char lwt_topic[300];
	double offset_s; /* weather time at simulated time 0 */
	time_t base;     /* naive local time at simulated time 0; -1: unknown */
	double sensor_c; /* last reading */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000;
}

/* "YYYY-MM-DDTHH:MM" as seconds of a naive (UTC-like) clock; -1 if malformed. */
static time_t parse_time(const char *s)
{
	struct tm tm = { 0 };
	char end;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &end) != 5)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

/* Midnight of the first sample's day in the weather CSV: time 0 of sim_weather. */
static time_t weather_origin(const char *path)
{
	char line[128] = "";
	time_t t = -1;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f) && fgets(line, sizeof(line), f) && strlen(line) > 10) {
		memcpy(line + 10, "T00:00", 7);
		t = parse_time(line);
	}
	fclose(f);
	return t;
}

static void format_time(const struct sim *s, double sim_s, char *buf, size_t size)
{
	struct tm tm;
	time_t t;

	if (s->base < 0) {
		snprintf(buf, size, "+%02d:%02d", (int) (sim_s / 3600), (int) fmod(sim_s / 60, 60));
		return;
	}
	t = s->base + (time_t) sim_s;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
}

static double outdoor(const struct sim *s, double sim_s)
{
	return s->weather ? sim_weather_outdoor_c(s->weather, s->offset_s + sim_s) : s->o.outdoor_c;
}

static void publish(void *userdata, const char *topic, const char *payload, bool retain)
{
	struct sim *s = userdata;

	if (s->connected)
		mosquitto_publish(s->mosq, NULL, topic, (int) strlen(payload), payload, 1, retain);
}

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct sim *s = userdata;

	if (rc != 0)
		return;
	s->connected = true;
	mosquitto_subscribe(mosq, NULL, sim_plug_command_filter(s->plug), 1);
	publish(s, s->lwt_topic, "Online", true);
}

static void on_disconnect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct sim *s = userdata;

	s->connected = false;
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *m)
{
	struct sim *s = userdata;
	char payload[1024];

	if (s->muted || m->payloadlen < 0 || (size_t) m->payloadlen >= sizeof(payload))
		return;
	if (m->payloadlen > 0)
		memcpy(payload, m->payload, (size_t) m->payloadlen);
	payload[m->payloadlen] = '\0';
	sim_plug_message(s->plug, m->topic, payload, now_usec());
}

/* Once a simulated minute: the sensor, the status line. */
static void minute(struct sim *s, double sim_s, double real_s)
{
	char when[32];
	int r;

	s->sensor_c = sim_room_sensor_c(s->room);
	if (s->o.sysfs && !(s->o.freeze_after_s >= 0 && real_s >= s->o.freeze_after_s)) {
		r = sim_w1_write(s->o.sysfs, s->o.device, (int32_t) lround(s->sensor_c * 1000));
		if (r < 0)
			fprintf(stderr, "sim-room: cannot write the sensor: %s\n", strerror(-r));
	}
	if (s->o.status_fd < 0)
		return;
	format_time(s, sim_s, when, sizeof(when));
	dprintf(s->o.status_fd, "%s air=%.2f sensor=%.2f relay=%s heater_w=%.0f outdoor=%.1f\n",
		when, sim_room_true_air_c(s->room), s->sensor_c,
		sim_room_relay_on(s->room, 0) ? "on" : "off", sim_room_heater_w(s->room, 0),
		outdoor(s, sim_s));
}

static void telemetry(struct sim *s, double sim_s)
{
	char when[32];

	format_time(s, sim_s, when, sizeof(when));
	sim_plug_telemetry(s->plug, when, sim_room_plug_w(s->room, 0),
			   sim_room_energy_j(s->room) / 3.6e6);
}

static int run(struct sim *s)
{
	uint64_t start, last_try = 0, last_tele;
	double sim_s = 0, next_minute = SENSOR_PERIOD;
	bool unplugged = false;

	start = last_tele = now_usec();
	minute(s, 0, 0);
	while (!stop) {
		double real_s, target;
		uint64_t now;
		int rc;

		now = now_usec();
		real_s = (double) (now - start) / USEC_PER_SEC;
		target = real_s * s->o.speed;

		if (s->o.duration_s > 0 && real_s >= s->o.duration_s)
			break;
		s->muted = s->o.mute_after_s >= 0 && real_s >= s->o.mute_after_s;
		if (s->o.sysfs && !unplugged && s->o.unplug_after_s >= 0 &&
		    real_s >= s->o.unplug_after_s) {
			sim_w1_unplug(s->o.sysfs, s->o.device);
			unplugged = true;
		}
		sim_plug_tick(s->plug, now);
		while (sim_s < target) {
			double until = fmin(target, next_minute);

			sim_room_step(s->room, sim_plug_relay(s->plug), outdoor(s, sim_s),
				      until - sim_s);
			sim_s = until;
			if (sim_s >= next_minute) {
				minute(s, sim_s, real_s);
				next_minute += SENSOR_PERIOD;
			}
		}
		if (!s->muted && s->connected &&
		    (double) (now - last_tele) >= s->o.tele_s * USEC_PER_SEC) {
			telemetry(s, sim_s);
			last_tele = now;
		}
		rc = mosquitto_loop(s->mosq, s->connected ? LOOP_MS : 0, 1);
		if (rc != MOSQ_ERR_SUCCESS) {
			s->connected = false;
			if (now - last_try >= RECONNECT_USEC) {
				last_try = now;
				mosquitto_reconnect(s->mosq);
			}
			usleep(LOOP_MS * 1000);
		}
	}
	return 0;
}

static void shutdown_mqtt(struct sim *s)
{
	uint64_t end;
	int mid = 0;

	if (!s->connected)
		return;
	end = now_usec() + USEC_PER_SEC;
	mosquitto_publish(s->mosq, &mid, s->lwt_topic, 7, "Offline", 1, true);
	while (now_usec() < end && mosquitto_want_write(s->mosq))
		mosquitto_loop(s->mosq, LOOP_MS, 1);
	/* Give the broker a moment to acknowledge, then say goodbye. */
	for (int i = 0; i < 5; i++)
		mosquitto_loop(s->mosq, LOOP_MS, 1);
	mosquitto_disconnect(s->mosq);
}

static void usage(FILE *f)
{
	fputs("Usage: bedroomd-sim-room --broker HOST:PORT --tasmota TOPIC [--sysfs DIR]\n"
	      "       [--device 28-...] [--speed N] [--weather FILE --start YYYY-MM-DDTHH:MM |\n"
	      "       --outdoor C [--start ...]] [--initial C] [--variant older|modern]\n"
	      "       [--duration S] [--tele-period S] [--mute-plug-after S]\n"
	      "       [--freeze-sensor-after S] [--unplug-sensor-after S]\n"
	      "       [--status-fd N | --print]\n"
	      "\n"
	      "A simulated bedroom for bedroomd: a room (air and walls) heated by one 1500 W\n"
	      "heater behind a Tasmota plug on the broker, and its DS18B20 as a fake sysfs\n"
	      "tree, one reading a simulated minute. Point [room] sysfs_root at DIR and a\n"
	      "[heater.NAME] of type tasmota at TOPIC; tools/demo shows it all.\n"
	      "\n"
	      "  --broker HOST:PORT       the broker the plug talks on\n"
	      "  --tasmota TOPIC          the plug's topic (cmnd/TOPIC/..., stat/TOPIC/...)\n"
	      "  --sysfs DIR              write the DS18B20 under DIR/bus/w1/devices/\n"
	      "  --device 28-...          its device name (default 28-0316a2795eff)\n"
	      "  --speed N                simulated seconds per real second (default 1; bedroomd\n"
	      "                           plans for real lags, so faster misleads it)\n"
	      "  --weather FILE --start T outdoor temperature from a trace (bench/data/*.csv)\n"
	      "                           from time T; or --outdoor C, constant (default 0)\n"
	      "  --initial C              the room's air and walls at the start (default 18)\n"
	      "  --variant older|modern   the building (default older)\n"
	      "  --duration S             stop after S real seconds (default: at SIGTERM)\n"
	      "  --tele-period S          the plug's telemetry, every S s (default 10)\n"
	      "  --mute-plug-after S      the plug stops answering after S s\n"
	      "  --freeze-sensor-after S  the sensor's value stops changing after S s\n"
	      "  --unplug-sensor-after S  the sensor disappears from sysfs after S s\n"
	      "  --status-fd N, --print   a line a simulated minute (time, air, sensor, relay,\n"
	      "                           heater watts, outdoor) on fd N or stdout\n",
	      f);
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "broker", required_argument, NULL, 'b' },
		{ "tasmota", required_argument, NULL, 't' },
		{ "sysfs", required_argument, NULL, 'y' },
		{ "device", required_argument, NULL, 'D' },
		{ "speed", required_argument, NULL, 's' },
		{ "weather", required_argument, NULL, 'w' },
		{ "start", required_argument, NULL, 'S' },
		{ "outdoor", required_argument, NULL, 'o' },
		{ "initial", required_argument, NULL, 'i' },
		{ "variant", required_argument, NULL, 'v' },
		{ "duration", required_argument, NULL, 'd' },
		{ "tele-period", required_argument, NULL, 'T' },
		{ "mute-plug-after", required_argument, NULL, 'm' },
		{ "freeze-sensor-after", required_argument, NULL, 'f' },
		{ "unplug-sensor-after", required_argument, NULL, 'u' },
		{ "status-fd", required_argument, NULL, 'F' },
		{ "print", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char *colon, *end;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		double v = optarg ? strtod(optarg, &end) : 0;
		bool number = optarg && end != optarg && *end == '\0' && isfinite(v);

		switch (c) {
		case 'b':
			colon = strrchr(optarg, ':');
			if (!colon)
				return -EINVAL;
			*colon = '\0';
			o->host = optarg;
			o->port = atoi(colon + 1);
			if (o->port <= 0 || o->port > 65535)
				return -EINVAL;
			break;
		case 't':
			o->tasmota = optarg;
			break;
		case 'y':
			o->sysfs = optarg;
			break;
		case 'D':
			o->device = optarg;
			break;
		case 'w':
			o->weather = optarg;
			break;
		case 'S':
			o->start = optarg;
			break;
		case 'v':
			if (strcmp(optarg, "older") == 0)
				o->variant = SIM_ROOM_VARIANT_OLDER;
			else if (strcmp(optarg, "modern") == 0)
				o->variant = SIM_ROOM_VARIANT_MODERN;
			else
				return -EINVAL;
			break;
		case 'F':
			if (!number || v < 0 || v != (int) v)
				return -EINVAL;
			o->status_fd = (int) v;
			break;
		case 'p':
			o->status_fd = STDOUT_FILENO;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		case 's':
		case 'o':
		case 'i':
		case 'd':
		case 'T':
		case 'm':
		case 'f':
		case 'u':
			if (!number || (c != 'o' && c != 'i' && v < 0) || (c == 's' && v <= 0))
				return -EINVAL;
			*(c == 's'   ? &o->speed
			  : c == 'o' ? &o->outdoor_c
			  : c == 'i' ? &o->initial_c
			  : c == 'd' ? &o->duration_s
			  : c == 'T' ? &o->tele_s
			  : c == 'm' ? &o->mute_after_s
			  : c == 'f' ? &o->freeze_after_s
				     : &o->unplug_after_s) = v;
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || !o->host || !o->tasmota)
		return -EINVAL;
	return 0;
}

static int setup(struct sim *s)
{
	struct sim_room_params p;
	char id[128];
	int r;

	r = sim_room_params_init(&p, s->o.variant);
	if (r < 0)
		return r;
	p.initial_air_c = p.initial_mass_c = s->o.initial_c;
	r = sim_room_new(&p, &s->room);
	if (r < 0)
		return r;
	s->base = s->o.start ? parse_time(s->o.start) : -1;
	if (s->o.start && s->base < 0)
		return -EINVAL;
	if (s->o.weather) {
		time_t origin = weather_origin(s->o.weather);

		r = sim_weather_load(s->o.weather, &s->weather, NULL);
		if (r < 0)
			return r;
		if (origin < 0)
			return -EINVAL;
		if (s->base < 0)
			s->base = origin;
		s->offset_s = difftime(s->base, origin);
		if (s->offset_s < 0 || s->offset_s > sim_weather_end_s(s->weather))
			fprintf(stderr, "sim-room: --start lies outside the weather trace: "
					"its first or last value holds\n");
	}
	if (s->o.sysfs) {
		r = sim_w1_plug(s->o.sysfs, s->o.device);
		if (r < 0)
			return r;
	}
	r = sim_plug_new(s->o.tasmota, publish, s, &s->plug);
	if (r < 0)
		return r;
	snprintf(s->lwt_topic, sizeof(s->lwt_topic), "tele/%s/LWT", s->o.tasmota);
	snprintf(id, sizeof(id), "bedroomd-sim-room-%s-%d", s->o.tasmota, (int) getpid());
	s->mosq = mosquitto_new(id, true, s);
	if (!s->mosq)
		return -ENOMEM;
	mosquitto_connect_callback_set(s->mosq, on_connect);
	mosquitto_disconnect_callback_set(s->mosq, on_disconnect);
	mosquitto_message_callback_set(s->mosq, on_message);
	if (mosquitto_will_set(s->mosq, s->lwt_topic, 7, "Offline", 1, true) != MOSQ_ERR_SUCCESS)
		return -EINVAL;
	/* A broker not there yet is tried again from the loop. */
	mosquitto_connect(s->mosq, s->o.host, s->o.port, 30);
	return 0;
}

int main(int argc, char **argv)
{
	struct sim s = {
		.o = { .speed = 1,
		       .outdoor_c = 0,
		       .initial_c = 18,
		       .tele_s = 10,
		       .mute_after_s = -1,
		       .freeze_after_s = -1,
		       .unplug_after_s = -1,
		       .device = "28-0316a2795eff",
		       .status_fd = -1 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	int r;

	if (parse_options(argc, argv, &s.o) < 0) {
		usage(stderr);
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	mosquitto_lib_init();
	r = setup(&s);
	if (r < 0)
		fprintf(stderr, "sim-room: cannot set up: %s\n", strerror(-r));
	else
		r = run(&s);
	if (s.mosq) {
		shutdown_mqtt(&s);
		mosquitto_destroy(s.mosq);
	}
	mosquitto_lib_cleanup();
	sim_plug_free(s.plug);
	sim_weather_free(s.weather);
	sim_room_free(s.room);
	return r < 0 ? 1 : 0;
}
