/* The Tasmota side of the simulated room: commands in, answers out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tools/sim-room/sim-plug.h"

#define USEC_PER_DECISEC 100000ULL
#define USEC_PER_SEC     1000000ULL
#define TOPIC_MAX        256

struct sim_plug {
	char *topic;
	char *filter; /* cmnd/<topic>/# */
	sim_plug_publish_fn publish;
	void *userdata;
	bool relay;
	unsigned pulsetime;
	uint64_t pulse_end_usec; /* 0: no pulse running */
};

uint64_t sim_plug_pulse_usec(unsigned v)
{
	if (v <= 111)
		return v * USEC_PER_DECISEC;
	return (uint64_t) (v - 100) * USEC_PER_SEC;
}

int sim_plug_new(const char *topic, sim_plug_publish_fn publish, void *userdata,
		 struct sim_plug **ret)
{
	struct sim_plug *p;

	if (!topic || !*topic || strlen(topic) > TOPIC_MAX / 2)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->topic = strdup(topic);
	if (!p->topic || asprintf(&p->filter, "cmnd/%s/#", topic) < 0) {
		free(p->topic);
		free(p);
		return -ENOMEM;
	}
	p->publish = publish;
	p->userdata = userdata;
	*ret = p;
	return 0;
}

struct sim_plug *sim_plug_free(struct sim_plug *p)
{
	if (!p)
		return NULL;
	free(p->topic);
	free(p->filter);
	free(p);
	return NULL;
}

const char *sim_plug_command_filter(const struct sim_plug *p)
{
	return p->filter;
}

bool sim_plug_relay(const struct sim_plug *p)
{
	return p->relay;
}

static void say(struct sim_plug *p, const char *prefix, const char *what, const char *payload,
		bool retain)
{
	char topic[TOPIC_MAX];

	snprintf(topic, sizeof(topic), "%s/%s/%s", prefix, p->topic, what);
	p->publish(p->userdata, topic, payload, retain);
}

static void report_power(struct sim_plug *p)
{
	const char *s = p->relay ? "ON" : "OFF";
	char json[32];

	snprintf(json, sizeof(json), "{\"POWER\":\"%s\"}", s);
	say(p, "stat", "RESULT", json, false);
	say(p, "stat", "POWER", s, false);
}

/* Switches like Tasmota: every ON (re)starts the pulse timer. */
static void set_relay(struct sim_plug *p, bool on, uint64_t now_usec)
{
	p->relay = on;
	p->pulse_end_usec =
	    on && p->pulsetime > 0 ? now_usec + sim_plug_pulse_usec(p->pulsetime) : 0;
}

static void cmd_power(struct sim_plug *p, const char *arg, uint64_t now_usec)
{
	if (strcasecmp(arg, "ON") == 0 || strcmp(arg, "1") == 0)
		set_relay(p, true, now_usec);
	else if (strcasecmp(arg, "OFF") == 0 || strcmp(arg, "0") == 0)
		set_relay(p, false, now_usec);
	else if (strcasecmp(arg, "TOGGLE") == 0 || strcmp(arg, "2") == 0)
		set_relay(p, !p->relay, now_usec);
	else if (*arg != '\0') {
		say(p, "stat", "RESULT", "{\"Command\":\"Error\"}", false);
		return;
	}
	report_power(p);
}

static void cmd_pulsetime(struct sim_plug *p, const char *arg, uint64_t now_usec)
{
	unsigned long remaining = 0;
	char json[96], *end;

	if (*arg != '\0') {
		unsigned long v = strtoul(arg, &end, 10);

		if (*end != '\0' || v > 65535) {
			say(p, "stat", "RESULT", "{\"Command\":\"Error\"}", false);
			return;
		}
		p->pulsetime = (unsigned) v;
		if (p->relay)
			set_relay(p, true, now_usec);
	}
	if (p->pulse_end_usec > now_usec)
		remaining = (unsigned long) ((p->pulse_end_usec - now_usec) / USEC_PER_DECISEC);
	snprintf(json, sizeof(json), "{\"PulseTime1\":{\"Set\":%u,\"Remaining\":%lu}}",
		 p->pulsetime, remaining);
	say(p, "stat", "RESULT", json, false);
}

static void command(struct sim_plug *p, const char *cmd, const char *arg, uint64_t now_usec)
{
	if (strcasecmp(cmd, "POWER") == 0 || strcasecmp(cmd, "POWER1") == 0)
		cmd_power(p, arg, now_usec);
	else if (strcasecmp(cmd, "PULSETIME") == 0 || strcasecmp(cmd, "PULSETIME1") == 0)
		cmd_pulsetime(p, arg, now_usec);
	else
		say(p, "stat", "RESULT", "{\"Command\":\"Unknown\"}", false);
}

/* "PulseTime1 700;Power ON": each command with its argument after a space. */
static void backlog(struct sim_plug *p, const char *arg, uint64_t now_usec)
{
	char *copy = strdup(arg), *save = NULL;

	if (!copy)
		return;
	for (char *c = strtok_r(copy, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
		char *sp;

		c += strspn(c, " ");
		sp = strchr(c, ' ');
		if (sp)
			*sp++ = '\0';
		if (strcasecmp(c, "BACKLOG") != 0 && *c)
			command(p, c, sp ? sp + strspn(sp, " ") : "", now_usec);
	}
	free(copy);
}

bool sim_plug_message(struct sim_plug *p, const char *topic, const char *payload, uint64_t now_usec)
{
	const char *cmd;
	size_t n;

	n = strlen(p->topic);
	if (strncmp(topic, "cmnd/", 5) != 0 || strncmp(topic + 5, p->topic, n) != 0 ||
	    topic[5 + n] != '/')
		return false;
	cmd = topic + 5 + n + 1;
	if (strcasecmp(cmd, "BACKLOG") == 0)
		backlog(p, payload, now_usec);
	else
		command(p, cmd, payload, now_usec);
	return true;
}

void sim_plug_tick(struct sim_plug *p, uint64_t now_usec)
{
	if (p->relay && p->pulse_end_usec != 0 && now_usec >= p->pulse_end_usec) {
		set_relay(p, false, now_usec);
		report_power(p);
	}
}

void sim_plug_telemetry(struct sim_plug *p, const char *time, double power_w, double total_kwh)
{
	char json[256];

	snprintf(json, sizeof(json), "{\"Time\":\"%s\",\"POWER\":\"%s\"}", time,
		 p->relay ? "ON" : "OFF");
	say(p, "tele", "STATE", json, false);
	snprintf(json, sizeof(json),
		 "{\"Time\":\"%s\",\"ENERGY\":{\"Total\":%.3f,\"Power\":%.0f,\"Voltage\":230,"
		 "\"Current\":%.3f}}",
		 time, total_kwh, power_w, power_w / 230.0);
	say(p, "tele", "SENSOR", json, false);
}
