#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * A Tasmota plug as bedroomd sees it on MQTT: POWER, PulseTime and Backlog
 * commands, stat/ answers, a real dead-man. No MQTT here: what the plug says
 * goes through the publish callback; time is passed in (CLOCK_MONOTONIC, the
 * plug's own clock: a real plug counts PulseTime in real time, whatever the
 * speed of the simulated room).
 */

struct sim_plug;

/* @topic "stat/<t>/RESULT"-style full topic, @payload NUL-terminated. */
typedef void (*sim_plug_publish_fn)(void *userdata, const char *topic, const char *payload,
				    bool retain);

/* Creates a plug with the device topic @topic, relay off, PulseTime 0. */
int sim_plug_new(const char *topic, sim_plug_publish_fn publish, void *userdata,
		 struct sim_plug **ret);
struct sim_plug *sim_plug_free(struct sim_plug *p);

/* The subscription for its commands: "cmnd/<topic>/#". Owned by @p. */
const char *sim_plug_command_filter(const struct sim_plug *p);

/*
 * A message on @topic: handled when it is cmnd/<topic>/<command>, answered on
 * stat/<topic>/RESULT (and stat/<topic>/POWER). Returns true if it was ours.
 */
bool sim_plug_message(struct sim_plug *p, const char *topic, const char *payload,
		      uint64_t now_usec);

/* Runs the pulse timer: the relay goes off when it expires. */
void sim_plug_tick(struct sim_plug *p, uint64_t now_usec);

bool sim_plug_relay(const struct sim_plug *p);

/* tele/<topic>/STATE and tele/<topic>/SENSOR with @power_w and @total_kwh; @time local. */
void sim_plug_telemetry(struct sim_plug *p, const char *time, double power_w, double total_kwh);

/* The duration of a PulseTime value: 1..111 tenths of a second, 112.. (v - 100) s. */
uint64_t sim_plug_pulse_usec(unsigned v);
