/* bedroomd: keeps a bedroom warm through the night, logs cramps, talks MQTT. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <mosquitto.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "daemon/log.h"
#include "daemon/manager.h"
#include "version.h"

#define EXIT_USAGE 64 /* EX_USAGE */

struct options {
	const char *config_path;
	bool check_config;
	bool dump_config;
};

static void print_help(FILE *f)
{
	fprintf(f,
		"Usage: bedroomd [OPTION]...\n"
		"Keeps a bedroom at or above a temperature floor at night through MQTT heaters,\n"
		"reads room and bed sensors, logs cramps, and reports to Home Assistant.\n"
		"\n"
		"  -c, --config FILE    read the configuration from FILE\n"
		"                       (default %s)\n"
		"      --check-config   check the configuration and exit (78 if it is bad)\n"
		"      --dump-config    print the effective configuration and exit\n"
		"  -h, --help           show this help and exit\n"
		"      --version        show the version and exit\n"
		"\n"
		"See bedroomd(8) and the example configuration for every setting.\n",
		CONFIG_DEFAULT_PATH);
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct options *o)
{
	enum { OPT_CHECK = 256, OPT_DUMP, OPT_VERSION };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "dump-config", no_argument, NULL, OPT_DUMP },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 },
	};
	int c;

	o->config_path = CONFIG_DEFAULT_PATH;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config_path = optarg;
			break;
		case OPT_CHECK:
			o->check_config = true;
			break;
		case OPT_DUMP:
			o->dump_config = true;
			break;
		case 'h':
			print_help(stdout);
			return EXIT_SUCCESS;
		case OPT_VERSION:
			printf("bedroomd %s\n", BEDROOMD_VERSION);
			return EXIT_SUCCESS;
		default:
			fprintf(stderr, "Try 'bedroomd --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bedroomd: unexpected argument '%s'\nTry 'bedroomd --help'.\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct options opts = { 0 };
	struct manager *manager = NULL;
	struct config *config = NULL;
	char *error = NULL;
	int status, r;

	/*
	 * No setlocale(): bedroomd stays in the C locale whatever LANG the system
	 * gives its services. Under de_DE or fr_FR, LC_NUMERIC would make strtod()
	 * stop at the '.' of "18.5" in the file and in every MQTT payload.
	 */
	/*
	 * Big buffers (libmosquitto reads a whole packet into one, up to the
	 * broker's limit) are mapped and unmapped on their own, so a 1 MB message
	 * gives its memory back when it is freed. Without this, glibc raises its
	 * threshold after the first such free and the heap keeps the next ones.
	 */
	(void) mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	status = parse_args(argc, argv, &opts);
	if (status >= 0)
		return status;

	r = config_load(opts.config_path, &config, &error);
	if (r < 0) {
		log_lines(LOG_LEVEL_ERROR, error);
		free(error);
		return CONFIG_EXIT_STATUS;
	}
	log_lines(LOG_LEVEL_WARNING, config->warnings);
	if (opts.check_config || opts.dump_config) {
		if (opts.dump_config)
			(void) config_dump(config, stdout);
		else
			/* Warnings may say the service would not start: "valid" alone misleads. */
			printf("%s: configuration is valid%s\n", opts.config_path,
			       config->warnings ? ", but read the warnings above" : "");
		config_free(config);
		return EXIT_SUCCESS;
	}

	/*
	 * The kernel reaps the measuring children: one stuck in a sensor's driver
	 * when a reload frees its sensor is killed and left, not waited for.
	 */
	(void) sigaction(
	    SIGCHLD, &(struct sigaction){ .sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT }, NULL);
	mosquitto_lib_init();
	r = manager_new(config, &manager);
	if (r < 0) {
		config_free(config);
		/*
		 * -EBUSY: another bedroomd holds the state directory (state_dir_lock()):
		 * two configurations name one directory, which a restart cannot mend.
		 */
		status = r == -EBUSY ? CONFIG_EXIT_STATUS : EXIT_FAILURE;
	} else {
		status = manager_run(manager);
		manager_free(manager);
	}
	mosquitto_lib_cleanup();
	return status;
}
