/*
 * bedroomctl: log a cramp through the daemon, print the cramp report, show the
 * daemon's state, take the device out of Home Assistant.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config-escape.h"
#include "config/config.h"
#include "control/command.h"
#include "control/cramp-night.h"
#include "control/thermostat-defaults.h"
#include "tools/bedroomctl/ctl-ha-remove.h"
#include "tools/bedroomctl/ctl-mqtt.h"
#include "tools/bedroomctl/ctl-time.h"
#include "tools/bedroomctl/ctl.h"
#include "tools/bedroomctl/report.h"
#include "tools/bedroomctl/status-json.h"
#include "tools/bedroomctl/status-text.h"
#include "version.h"

const char ctl_usage_text[] =
    "Usage: bedroomctl [--config FILE] COMMAND [OPTIONS]\n"
    "\n"
    "Talks to bedroomd, the bedroom daemon, and reads its cramp log.\n"
    "\n"
    "Commands:\n"
    "  cramp [--leg left|right] [--site calf|foot|thigh|buttock] [--at TIME]\n"
    "        [--note TEXT] [--dry-run]\n"
    "      Log a cramp. It is sent to the daemon on <base>/cramp (QoS 1); bedroomctl\n"
    "      waits until the broker has it, so the daemon stays the only writer of the\n"
    "      log and gets it even when it is restarting. Nothing is sent (exit 69) when\n"
    "      nothing is retained under <base> (no bedroomd uses it: node_id or\n"
    "      base_topic differ); a bedroomd that is offline gets it when it is back.\n"
    "      TIME is local time:\n"
    "      2026-01-31T03:10, 03:10 (the most recent past 03:10) or -20min (also -45s,\n"
    "      -2h, -2d); at most 30 days ago. --note is at most 200 bytes. --dry-run prints the\n"
    "      topic and the message and sends nothing.\n"
    "\n"
    "  report [--days N] [--until YYYY-MM-DD] [--format text|json|csv|pdf]\n"
    "         [--output FILE] [--store PATH]\n"
    "      The cramp report of the N nights (default 28) up to the night of --until\n"
    "      (default: tonight, or last night before noon; a night still to come is\n"
    "      refused), oldest first. A night runs from noon to noon and is named by its\n"
    "      evening. Per night: the cramps (leg, site, local time, room temperature\n"
    "      then), the lowest room temperature in the configuration's [heating] night\n"
    "      (22:00 to 07:00 with --store and no --config), whether the foot soak was\n"
    "      done (from its answers or the night's cramp log) and what became of each\n"
    "      reminder (done, started, skipped, ignored, snoozed, not sent); then the\n"
    "      cramps per week against the threshold of three, the totals, the reminders'\n"
    "      adherence and the advisories that fired. Nights before the store's oldest\n"
    "      record are unknown, not free of cramps: the report starts at its first\n"
    "      recorded night and says so. --format csv gives a row per cramp, with its\n"
    "      night's columns (a night without one: one row, its cramp columns empty).\n"
    "      --format pdf writes one A4 page for a doctor to --output FILE (required\n"
    "      for pdf; the others print to standard output without it). The store is\n"
    "      <state_dir>/bedroomd.db of the configuration, or --store PATH; it is\n"
    "      opened read-only and may be in use by the daemon.\n"
    "\n"
    "  status [--json]\n"
    "      What the daemon's retained <base>/availability and <base>/state say (waits\n"
    "      up to 3 seconds for them): the room, heating and each heater, what it\n"
    "      learned, the bed, cramps, reminders, the store and the active alerts.\n"
    "      --json prints them as one JSON object instead: {\"availability\":\"online\",\n"
    "      \"state\":{...}}, each null when none is retained (both null: exit 69, as\n"
    "      without --json); nothing on an error (the broker cannot be reached).\n"
    "\n"
    "  ha-remove [--dry-run] [--force]\n"
    "      Take this bedroom's device out of Home Assistant, for someone who stops\n"
    "      using bedroomd: every discovery config of the device (bedroomd_<node_id>)\n"
    "      retained under <discovery_prefix>/+/<node_id>/+/config is replaced with\n"
    "      an empty retained message, and each topic is printed. Stop bedroomd first\n"
    "      (or set discovery = no), or it announces them again: while it is online\n"
    "      on the broker, ha-remove refuses (exit 75) unless --force. --dry-run lists\n"
    "      them and removes nothing.\n"
    "\n"
    "Options:\n"
    "  -c, --config FILE  the daemon's configuration, for the broker, its user and\n"
    "                     TLS files, the base topic and the state directory\n"
    "                     (default " CONFIG_DEFAULT_PATH ")\n"
    "  --help             print this and exit\n"
    "  --version          print the version and exit\n"
    "\n"
    "Exit status:\n"
    "   0  done\n"
    "  64  bad usage: an unknown option, leg or site, a bad date or time, a bad number\n"
    "  65  the store is not a bedroomd store, or was written by a newer bedroomd\n"
    "  66  the store is missing or cannot be read (or --store names a directory)\n"
    "  69  the broker cannot be reached, refused us, or did not confirm in time; or\n"
    "      nothing is retained under the base topic (status, cramp)\n"
    "  70  an internal error (out of memory)\n"
    "  75  ha-remove: bedroomd is online (stop it first, or --force)\n"
    "  73  the --output file cannot be written\n"
    "  74  an error while reading the store or writing the report or the status\n"
    "  78  the configuration is bad or cannot be read\n"
    "\n"
    "bedroomd counts and reports; it does not diagnose.\n";

static int report_exit_status(int r)
{
	switch (r) {
	case -ENOENT:
	case -EACCES:
	case -EPERM:
	case -ENOTDIR:
	case -EISDIR:
		return EXIT_NOINPUT;
	case -EPROTONOSUPPORT:
	case -EBADMSG:
		return EXIT_DATAERR;
	case -ENOMEM:
		return EXIT_SOFTWARE;
	default:
		return EXIT_IOERR;
	}
}

static int cmd_report(const char *config_path, int argc, char **argv)
{
	static const struct option options[] = {
		{ "days", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "store", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "until", required_argument, NULL, 'u' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *format = "text", *store = NULL, *output = NULL, *error = NULL;
	struct config *config = NULL;
	struct report *report = NULL;
	char *store_path = NULL, *end;
	int64_t now = (int64_t) time(NULL);
	int64_t tonight = cramp_night_of(now, ctl_time_local_offset(now)), until = tonight;
	unsigned long days = 28;
	FILE *f = stdout;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:", options, NULL)) >= 0) {
		switch (c) {
		case 'd':
			errno = 0;
			days = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] < '1' || optarg[0] > '9' || days > 366)
				return ctl_usage_error(
				    "bad --days '%s': a number of nights, 1 to 366", optarg);
			break;
		case 'f':
			format = optarg;
			break;
		case 's':
			store = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'u':
			if (ctl_time_parse_date(optarg, &until) < 0)
				return ctl_usage_error("bad date '%s': use YYYY-MM-DD", optarg);
			/* Nights still to come would be listed as nights without a cramp. */
			if (until > tonight)
				return ctl_usage_error(
				    "the night of %s has not come yet: --until takes "
				    "tonight or an earlier night",
				    optarg);
			break;
		case 'c':
			config_path = optarg;
			break;
		case 'h':
			fputs(ctl_usage_text, stdout);
			return 0;
		default:
			return ctl_bad_option();
		}
	}
	if (optind < argc)
		return ctl_usage_error("unexpected argument '%s'", argv[optind]);
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "csv") != 0 && strcmp(format, "pdf") != 0)
		return ctl_usage_error("unknown format '%s': use text, json, csv or pdf", format);
	if (strcmp(format, "pdf") == 0 && !output)
		return ctl_usage_error("%s", "--format pdf needs --output FILE");

	/* With --store alone the configuration is not needed: the night window is the default. */
	if (!store || config_path) {
		r = ctl_load_config(config_path, false, &config);
		if (r != 0)
			return r;
	}
	if (!store) {
		if (asprintf(&store_path, "%s/bedroomd.db", config->daemon.state_dir) < 0) {
			r = EXIT_SOFTWARE;
			goto out;
		}
		store = store_path;
	}
	r = report_read(store, until, (unsigned) days,
			config ? config->heating.night_start_min
			       : THERMOSTAT_DEFAULT_NIGHT_START_MIN,
			config ? config->heating.night_end_min : THERMOSTAT_DEFAULT_NIGHT_END_MIN,
			&report, &error);
	if (r == -EISDIR && !store_path && store) {
		/* The state directory is an easy mistake: name the file in it. */
		bool slash = store[0] && store[strlen(store) - 1] == '/';

		fprintf(stderr,
			"bedroomctl: '%s' is a directory: --store takes the store file "
			"(%s%sbedroomd.db)\n",
			store, store, slash ? "" : "/");
	} else if (r < 0) {
		fprintf(stderr, "bedroomctl: %s: %s\n", store, error ? error : strerror(-r));
	}
	if (r < 0) {
		r = report_exit_status(r);
		goto out;
	}

	if (strcmp(format, "pdf") == 0) {
		bool floor_from_ha = false;
		double floor_c = NAN;

		/* The floor in force, by the daemon's rule: Home Assistant's unless the file is
		 * newer. */
		if (config)
			floor_c = command_floor_in_force(
			    report->floor_set, report->floor_set_file, config->heating.floor_c,
			    config->heating.floor_min_c, config->heating.floor_max_c,
			    &floor_from_ha);
		r = report_render_pdf(report, output, config ? config->daemon.node_id : NULL,
				      floor_c, floor_from_ha);
		if (r < 0) {
			fprintf(stderr, "bedroomctl: %s: cannot write the PDF: %s\n", output,
				strerror(-r));
			r = EXIT_CANTCREAT;
		}
		goto out;
	}
	if (output) {
		f = fopen(output, "we");
		if (!f) {
			fprintf(stderr, "bedroomctl: %s: %m\n", output);
			r = EXIT_CANTCREAT;
			goto out;
		}
	}
	if (strcmp(format, "json") == 0)
		r = report_print_json(report, f);
	else if (strcmp(format, "csv") == 0)
		r = report_print_csv(report, f);
	else
		r = report_print_text(report, f);
	if (fflush(f) != 0 || r < 0) {
		fprintf(stderr, "bedroomctl: %s: cannot write the report\n",
			output ? output : "standard output");
		r = EXIT_IOERR;
	}
	if (output && fclose(f) != 0 && r == 0) {
		fprintf(stderr, "bedroomctl: %s: %m\n", output);
		r = EXIT_IOERR;
	}
out:
	report_free(report);
	free(store_path);
	config_free(config);
	return r;
}

/*
 * "@label: @payload" as retained, escaped (config_escape()): anyone who may
 * publish can retain terminal escape sequences. bedroomd's own JSON, compact
 * and all UTF-8, is shown unchanged.
 */
static int print_retained(const char *label, const char *payload)
{
	char *shown = payload ? config_escape(payload) : NULL;

	if (payload && !shown) {
		fprintf(stderr, "bedroomctl: out of memory\n");
		return EXIT_SOFTWARE;
	}
	printf("%s: %s\n", label, shown ? shown : "(none retained)");
	free(shown);
	return 0;
}

/* The status from @availability and @state (NULL: none retained). Returns 0 or the exit status. */
static int print_status(bool json, const char *availability, const char *state)
{
	int r = json ? status_print_json(stdout, availability, state)
		     : status_print_text(stdout, availability, state);

	if (r == -ENOMEM) {
		fprintf(stderr, "bedroomctl: out of memory\n");
		return EXIT_SOFTWARE;
	}
	if (r < 0) {
		/* Not JSON (another program on the topic?): shown as it is, said why. */
		r = print_retained("availability", availability);
		if (r == 0)
			r = print_retained("state", state);
		if (r == 0)
			fprintf(stderr, "bedroomctl: the retained state is not a JSON object\n");
	}
	/* A full disk or a closed pipe: exit 0 would claim the status was given. */
	if (r == 0 && fflush(stdout) != 0) {
		fprintf(stderr, "bedroomctl: standard output: cannot write the status: %m\n");
		return EXIT_IOERR;
	}
	return r;
}

static int cmd_status(const char *config_path, int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct config *config = NULL;
	char *topics[2] = { NULL, NULL }, *payloads[2] = { NULL, NULL };
	const char *error = NULL;
	bool json = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:", options, NULL)) >= 0) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(ctl_usage_text, stdout);
			return 0;
		default:
			return ctl_bad_option();
		}
	}
	if (optind < argc)
		return ctl_usage_error("unexpected argument '%s'", argv[optind]);
	r = ctl_load_config(config_path, true, &config);
	if (r != 0)
		return r;
	topics[0] = ctl_topic_of(config, "availability");
	topics[1] = ctl_topic_of(config, "state");
	if (!topics[0] || !topics[1]) {
		r = EXIT_SOFTWARE;
		goto out;
	}
	r = ctl_mqtt_fetch_retained(&config->mqtt, (const char *const *) topics, 2, payloads,
				    STATUS_TIMEOUT_MS, &error);
	if (r < 0) {
		ctl_mqtt_say_failure(&config->mqtt, error, r, "");
		r = EXIT_UNAVAILABLE;
		goto out;
	}
	if (r == 0) {
		ctl_say_nothing_retained(config, "");
		/* --json prints its object all the same, both null: a script parses it. */
		r = json ? print_status(true, NULL, NULL) : 0;
		if (r == 0)
			r = EXIT_UNAVAILABLE;
		goto out;
	}
	r = print_status(json, payloads[0], payloads[1]);
out:
	for (int i = 0; i < 2; i++) {
		free(topics[i]);
		free(payloads[i]);
	}
	config_free(config);
	return r;
}

/*
 * Whether the bedroomd of @config says it is online (retained availability):
 * it would announce the device again at its next connection. -errno when the
 * broker cannot tell.
 */
static int daemon_online(const struct config *config)
{
	char *topic = ctl_topic_of(config, "availability"), *payload = NULL;
	const char *error = NULL;
	int r;

	if (!topic)
		return -ENOMEM;
	r = ctl_mqtt_fetch_retained(&config->mqtt, (const char *const *) &topic, 1, &payload,
				    STATUS_TIMEOUT_MS, &error);
	if (r >= 0)
		r = payload && strcmp(payload, "online") == 0;
	free(payload);
	free(topic);
	return r;
}

static int cmd_ha_remove(const char *config_path, int argc, char **argv)
{
	static const struct option options[] = {
		{ "dry-run", no_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct config *config = NULL;
	bool dry_run = false, force = false, refused;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:", options, NULL)) >= 0) {
		switch (c) {
		case 'd':
			dry_run = true;
			break;
		case 'f':
			force = true;
			break;
		case 'c':
			config_path = optarg;
			break;
		case 'h':
			fputs(ctl_usage_text, stdout);
			return 0;
		default:
			return ctl_bad_option();
		}
	}
	if (optind < argc)
		return ctl_usage_error("unexpected argument '%s'", argv[optind]);
	r = ctl_load_config(config_path, true, &config);
	if (r != 0)
		return r;
	refused = !force && daemon_online(config) > 0;
	if (refused) {
		fprintf(stderr,
			"bedroomctl: bedroomd '%s' is online on %s:%d: it would announce the "
			"device to Home Assistant again when it next connects. Stop it first "
			"(systemctl stop bedroomd), or use --force.\n",
			config->daemon.node_id, config->mqtt.host, config->mqtt.port);
		if (!dry_run) {
			config_free(config);
			return EXIT_TEMPFAIL;
		}
	}
	r = ctl_ha_remove(config, dry_run, PUBLISH_TIMEOUT_MS);
	config_free(config);
	/* A dry run lists what would go, and exits as the real run would: refused. */
	return r == 0 && refused ? EXIT_TEMPFAIL : r;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	static const struct {
		const char *name;
		int (*run)(const char *config_path, int argc, char **argv);
	} commands[] = {
		{ "cramp", ctl_cmd_cramp },
		{ "report", cmd_report },
		{ "status", cmd_status },
		{ "ha-remove", cmd_ha_remove },
	};
	/*
	 * getopt names what it refuses by argv[0]: "bedroomctl", then
	 * "bedroomctl status", not the path run nor the bare command (it read
	 * "status: unrecognized option" as if status were a program).
	 */
	static char program[] = "bedroomctl";
	char name[32];
	const char *config_path = NULL; /* the default */
	const char *command;
	int c;

	argv[0] = program;
	while ((c = getopt_long(argc, argv, "+c:", options, NULL)) >= 0) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'h':
			fputs(ctl_usage_text, stdout);
			return 0;
		case 'V':
			printf("bedroomctl %s\n", BEDROOMD_VERSION);
			return 0;
		default:
			return ctl_bad_option();
		}
	}
	if (optind >= argc)
		return ctl_usage_error("%s",
				       "no command given: cramp, report, status or ha-remove");
	command = argv[optind];
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(command, commands[i].name) != 0)
			continue;
		snprintf(name, sizeof(name), "bedroomctl %s", command);
		argv[optind] = name;
		argc -= optind;
		argv += optind;
		optind = 1;
		return commands[i].run(config_path, argc, argv);
	}
	return ctl_usage_error("unknown command '%s': use cramp, report, status or ha-remove",
			       command);
}
