/*
 * bedroomd-thermostat-cil: the daemon's path from a timed reading to a heating
 * decision in a pipe, for external building simulators (controller in the
 * loop).
 *
 *   bedroomd-thermostat-cil [--config FILE]
 *
 * Reads lines "<unix_time_s> <measured_temp_c>" on stdin and answers "on" or
 * "off" for each, flushed at once. Local time for the night window comes from
 * TZ through localtime_r.
 *
 * FILE is a bedroomd.conf (bedroomd.conf(5)), read by the daemon's own parser:
 * what the thermostat takes from it is what the daemon takes ([heating]: floor,
 * day_floor, night, mode, min_on, min_off, max_on, overheat, no_effect,
 * preheat_max, fallback_duty; the [sensor.NAME] sections' checks and
 * stale_after). The readings are the first [sensor.NAME]'s, through the
 * daemon's checks and health for its type (a reading the checks refuse is
 * reported on stderr and not used); a file without one, or no file, has a
 * DS18B20 read every minute ("[sensor.thermometer] type = w1" with the
 * daemon's defaults). One heater: the first [heater.NAME], if any. Keys the
 * daemon does not know are refused, as the daemon refuses them.
 *
 * A line that cannot be understood is reported on stderr with its number. If it
 * still carries a usable time, the thermostat is stepped without a new reading
 * (it keeps the last one until that goes stale, then switches off and raises
 * sensor_stale, exactly as the daemon does); if not, the answer is "off". It
 * never keeps a heater on on the strength of bad input.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "daemon/heating-replay.h"

#define EX_USAGE    64
#define EX_CONFIG   78
#define CONFIG_MAX  ((size_t) 1024 * 1024)
#define THERMOMETER "\n[sensor.thermometer]\ntype = w1\n"

/* @path's contents (NULL: none) and the default thermometer, in a memfd. Returns its fd or -errno.
 */
static int with_thermometer(const char *path)
{
	char buf[4096];
	size_t n, total = 0;
	FILE *f = NULL;
	int fd, r = 0;

	fd = memfd_create("bedroomd-thermostat-cil.conf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (path && !(f = fopen(path, "re")))
		r = -errno;
	while (r == 0 && f && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		total += n;
		if (total > CONFIG_MAX)
			r = -EFBIG;
		else if (write(fd, buf, n) != (ssize_t) n)
			r = -EIO;
	}
	if (r == 0 && f && ferror(f))
		r = -EIO;
	if (r == 0 && write(fd, THERMOMETER, strlen(THERMOMETER)) != (ssize_t) strlen(THERMOMETER))
		r = -EIO;
	if (f)
		fclose(f);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* The daemon's config from @path (NULL: none), with a thermometer. Returns 0 or EX_CONFIG. */
static int load_config(const char *path, struct config **ret)
{
	char *error = NULL, fd_path[64];
	int fd, r;

	if (path) {
		r = config_load(path, ret, &error);
		if (r < 0) {
			fprintf(stderr, "%s\n", error ? error : strerror(-r));
			free(error);
			return EX_CONFIG;
		}
		if ((*ret)->n_sensors > 0)
			return 0;
		*ret = config_free(*ret);
	}
	fd = with_thermometer(path);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", path ? path : "defaults", strerror(-fd));
		return EX_CONFIG;
	}
	snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%d", fd);
	r = config_load(fd_path, ret, &error);
	close(fd);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", path ? path : "defaults", error ? error : strerror(-r));
		free(error);
		return EX_CONFIG;
	}
	return 0;
}

/* Parses "<unix_time_s> <temp_c>"; returns 2 for both, 1 for the time only, -EINVAL. */
static int parse_input(const char *line, double *ret_time_s, double *ret_c)
{
	char *end;
	double t, v;

	errno = 0;
	t = strtod(line, &end);
	if (errno != 0 || end == line || !(t >= 0 && t < 1e11))
		return -EINVAL;
	line = end;
	errno = 0;
	v = strtod(line, &end);
	while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
		end++;
	*ret_time_s = floor(t * 1e6) / 1e6;
	if (errno != 0 || end == line || *end != '\0' || !(v > -55 && v < 125))
		return 1;
	*ret_c = v;
	return 2;
}

/* One line: answers whether the heater is on. */
static bool answer(struct heating_replay *replay, unsigned long lineno, const char *line,
		   uint64_t *last_usec, bool *have_time)
{
	struct temp_reading reading = { 0 };
	double time_s = 0, temp_c = NAN;
	uint64_t now_usec;
	time_t tt;
	struct tm tm;
	int n, r;

	n = parse_input(line, &time_s, &temp_c);
	if (n < 0) {
		fprintf(stderr, "stdin:%lu: expected '<unix_time_s> <temp_c>', answering off\n",
			lineno);
		return false;
	}
	now_usec = (uint64_t) (time_s * 1e6);
	tt = (time_t) time_s;
	if (n == 1)
		fprintf(stderr,
			"stdin:%lu: no valid temperature, keeping the last reading until it goes "
			"stale\n",
			lineno);
	if (*have_time && now_usec < *last_usec) {
		fprintf(stderr, "stdin:%lu: time goes backwards, answering off\n", lineno);
		return false;
	}
	if (!localtime_r(&tt, &tm)) {
		fprintf(stderr, "stdin:%lu: time out of range, answering off\n", lineno);
		return false;
	}
	*have_time = true;
	*last_usec = now_usec;
	reading.value_mc = (int32_t) lround(temp_c * 1000);
	r = heating_replay_at(replay, now_usec,
			      (unsigned) (tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec % 60), 0,
			      n == 2 ? &reading : NULL, NULL);
	if (r < 0) {
		fprintf(stderr, "stdin:%lu: the thermostat refused the step: %s, answering off\n",
			lineno, strerror(-r));
		return false;
	}
	if (n == 2 && heating_replay_verdict(replay) != READING_CHECK_VERDICT_OK)
		fprintf(stderr, "stdin:%lu: the sensor's checks refuse %.3f °C (%s), ignoring\n",
			lineno, temp_c,
			reading_check_verdict_to_string(heating_replay_verdict(replay)));
	return heating_replay_decision(replay)->stage[0].on;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct heating_replay *replay = NULL;
	struct config *config = NULL;
	const char *path = NULL;
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	uint64_t last_usec = 0;
	bool have_time = false;
	int opt, r, ret = 0;

	while ((opt = getopt_long(argc, argv, "c:h", options, NULL)) >= 0) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			printf("Usage: bedroomd-thermostat-cil [--config FILE] < readings\n");
			return 0;
		default:
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "unexpected argument '%s'\n", argv[optind]);
		return EX_USAGE;
	}
	r = load_config(path, &config);
	if (r != 0)
		return r;
	r = heating_replay_new(config, &replay);
	if (r < 0) {
		fprintf(stderr, "%s: invalid heating settings: %s\n", path ? path : "defaults",
			strerror(-r));
		config_free(config);
		return EX_CONFIG;
	}
	while (getline(&line, &cap, stdin) >= 0) {
		bool on = answer(replay, ++lineno, line, &last_usec, &have_time);

		if (printf("%s\n", on ? "on" : "off") < 0 || fflush(stdout) != 0) {
			ret = 1;
			break;
		}
	}
	free(line);
	heating_replay_free(replay);
	config_free(config);
	return ret;
}
