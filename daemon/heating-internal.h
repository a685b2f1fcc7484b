#pragma once

/*
 * Internal to heating: its state, shared by heating.c (the loop: readings,
 * decisions, commands, subscriptions), heating-state.c (what it reports) and
 * heating-adopt.c (what a reload keeps). Only heating.c calls into the others.
 */

#include <stdbool.h>
#include <stdint.h>

#include "actuators/heater-preset.h"
#include "actuators/heater.h"
#include "control/thermostat.h"
#include "daemon/heating-settings.h"
#include "daemon/heating.h"

#define MINUTE_USEC (60ULL * 1000000ULL)

struct stage {
	struct heating *heating;
	const struct config_heater *cfg;
	char source[80];             /* "heater.NAME" */
	struct heater_params params; /* what the heater is made from (strings: the config's) */
	struct heater *heater;       /* NULL once a reload's new heating adopted it */
	struct mqtt_slot **slots;    /* one per topic of the plug */
	unsigned n_slots;
	uint64_t wake_usec;
	bool on;
	/* On-time per minute over the last hour, for the cramp log's context. */
	uint64_t on_usec[60];
	uint64_t minute[60];
	uint64_t accounted_usec;
};

struct heating {
	sd_event *event;
	const struct config *config;
	struct alerts *alerts;
	const struct heating_callbacks *cb;
	void *userdata;
	struct mqtt *mqtt;
	struct inputs *inputs; /* whether the person is in bed */

	struct thermostat_params thermostat_params;
	struct thermostat *thermostat;
	struct thermostat_input in;
	struct thermostat_decision last;
	bool have_decision;
	struct stage stages[THERMOSTAT_STAGES_MAX];
	unsigned n_stages;

	struct heating_settings settings; /* floor and mode */
	struct mqtt_slot *floor_slot, *mode_slot, *outdoor_slot, *watch;
	sd_event_source *timer;
	bool connected;
};

/* "off", "heating" or "idle": what the heaters do. In heating-state.c. */
const char *heating_action(const struct heating *h);

/* Adds the time stage @s was on up to @now_usec to its hour of use. In heating-state.c. */
void heating_account(struct stage *s, uint64_t now_usec);
