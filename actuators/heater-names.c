/* The names of heater alerts and states (heater.h), as MQTT and the journal say them. */
#include <stddef.h>

#include "actuators/heater.h"

const char *heater_alert_to_string(enum heater_alert a)
{
	switch (a) {
	case HEATER_ALERT_UNCONFIRMED:
		return "heater_unconfirmed";
	case HEATER_ALERT_OFFLINE:
		return "heater_offline";
	case _HEATER_ALERT_MAX:
		break;
	}
	return NULL;
}

const char *heater_state_to_string(enum heater_state s)
{
	switch (s) {
	case HEATER_STATE_OFFLINE:
		return "offline";
	case HEATER_STATE_UNCONFIRMED:
		return "unconfirmed";
	case HEATER_STATE_NO_POWER:
		return "no_power";
	case HEATER_STATE_PENDING:
		return "pending";
	case HEATER_STATE_ON:
		return "on";
	case HEATER_STATE_OFF:
		return "off";
	case HEATER_STATE_UNKNOWN:
		return "unknown";
	}
	return NULL;
}
