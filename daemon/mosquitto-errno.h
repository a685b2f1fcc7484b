#pragma once

/*
 * libmosquitto's MOSQ_ERR_* codes as negative errno values, for the daemon's
 * MQTT connection and bedroomctl's short talks with the broker. Takes the
 * plain int, so no header outside these two names a libmosquitto type.
 */
int errno_from_mosq(int rc);
