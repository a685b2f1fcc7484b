/*
 * bedroomctl cramp: a cramp sent to the daemon on <base>/cramp (QoS 1), only
 * where a bedroomd reads it, at the time given.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control/cramp-tracker.h"
#include "tools/bedroomctl/ctl-mqtt.h"
#include "tools/bedroomctl/ctl-time.h"
#include "tools/bedroomctl/ctl.h"
#include "tools/bedroomctl/report.h"

#define NOTE_MAX        200          /* bytes, as the daemon accepts */
#define AT_PAST_MAX_S   (30 * 86400) /* the daemon refuses older cramps */
#define AT_FUTURE_MAX_S 300

/* Writes @s to @f as one shell word: quoted when it holds more than safe characters. */
static void shell_word(FILE *f, const char *s)
{
	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			    "_-+=:,./@%") == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

/*
 * The tail of the message when the cramp could not be sent: the command that
 * logs it at its time later, with every option given, quoted for a shell so
 * that it pastes back (a user trial found the note and -c left out). It keeps
 * its time. A refused login or TLS handshake is no broker that is away:
 * waiting does not help, the password or the TLS settings do (said before this). Returns it (free
 * it), or NULL.
 */
static char *again_command(int r, const char *config_path, const char *when, const char *leg,
			   const char *site, const char *note)
{
	char *text = NULL, at[17];
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		return NULL;
	snprintf(at, sizeof(at), "%.16s", when);
	fprintf(f, "; the cramp is not logged; once %s, this logs it at its time:\n  bedroomctl",
		r == -EACCES ? "bedroomctl is let in"
		: r == -EPROTO
		    ? "the TLS settings fit the broker (or it is back, if it was restarting)"
		    : "the broker is back");
	if (config_path) {
		fputs(" -c ", f);
		shell_word(f, config_path);
	}
	fprintf(f, " cramp --at %s", at);
	if (leg) {
		fputs(" --leg ", f);
		shell_word(f, leg);
	}
	if (site) {
		fputs(" --site ", f);
		shell_word(f, site);
	}
	if (note) {
		fputs(" --note ", f);
		shell_word(f, note);
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int ctl_cmd_cramp(const char *config_path, int argc, char **argv)
{
	static const struct option options[] = {
		{ "leg", required_argument, NULL, 'l' }, { "site", required_argument, NULL, 's' },
		{ "at", required_argument, NULL, 'a' },  { "note", required_argument, NULL, 'n' },
		{ "dry-run", no_argument, NULL, 'd' },   { "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },      {},
	};
	const char *leg = NULL, *site = NULL, *at = NULL, *note = NULL, *error = NULL;
	enum cramp_leg l = CRAMP_LEG_UNKNOWN;
	enum cramp_site s = CRAMP_SITE_UNKNOWN;
	struct config *config = NULL;
	bool dry_run = false;
	char *topic = NULL, *availability_topic = NULL, *availability = NULL, *payload = NULL;
	char when[REPORT_TIME_MAX];
	int64_t now = (int64_t) time(NULL), t = now;
	json_t *j = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:", options, NULL)) >= 0) {
		switch (c) {
		case 'l':
			leg = optarg;
			break;
		case 's':
			site = optarg;
			break;
		case 'a':
			at = optarg;
			break;
		case 'n':
			note = optarg;
			break;
		case 'd':
			dry_run = true;
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
	if (leg && (cramp_leg_from_string(leg, &l) < 0 || l == CRAMP_LEG_UNKNOWN))
		return ctl_usage_error("unknown leg '%s': use left or right", leg);
	if (site && cramp_site_from_string(site, &s) < 0)
		return ctl_usage_error("unknown site '%s': use calf, foot, thigh or buttock", site);
	if (note && strlen(note) > NOTE_MAX)
		return ctl_usage_error("%s", "the note is longer than 200 bytes");
	if (at) {
		r = ctl_time_parse(at, now, &t);
		if (r == -ENOENT)
			return ctl_usage_error(
			    "the time '%s' was skipped by the clock change (summer "
			    "time began): use the time the clock showed",
			    at);
		if (r < 0)
			return ctl_usage_error(
			    "bad time '%s': use 2026-01-31T03:10, 03:10 or -20min", at);
		if (t > now + AT_FUTURE_MAX_S)
			return ctl_usage_error("the time '%s' is in the future", at);
		if (t < now - AT_PAST_MAX_S)
			return ctl_usage_error("the time '%s' is more than 30 days ago", at);
	}

	r = ctl_load_config(config_path, true, &config);
	if (r != 0)
		return r;
	report_format_time(t, ctl_time_local_offset(t), when);
	/* Fields not given are left out: the daemon's defaults apply. */
	/* The names as the daemon keeps them: "left", whatever case was typed. */
	j = json_pack("{s:s}", "leg", cramp_leg_to_string(l));
	if (j && site)
		json_object_set_new(j, "site", json_string(cramp_site_to_string(s)));
	if (j)
		json_object_set_new(j, "time", json_string(when));
	if (j && note)
		json_object_set_new(j, "note", json_string(note));
	if (j)
		json_object_set_new(j, "source", json_string("bedroomctl"));
	payload = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	topic = ctl_topic_of(config, "cramp");
	availability_topic = ctl_topic_of(config, "availability");
	if (!payload || !topic || !availability_topic) {
		fprintf(stderr, "bedroomctl: out of memory\n");
		r = EXIT_SOFTWARE;
		goto out;
	}
	if (dry_run) {
		printf("%s %s\n", topic, payload);
		r = 0;
		goto out;
	}
	/*
	 * Only to a base topic a bedroomd uses: the broker takes a cramp for any
	 * topic, and one nobody reads is lost without a word. An "offline" bedroomd
	 * still gets it: its persistent session keeps QoS 1 messages until it is back.
	 */
	r = ctl_mqtt_publish_if_retained(&config->mqtt, availability_topic, STATUS_TIMEOUT_MS,
					 topic, payload, PUBLISH_TIMEOUT_MS, &availability, &error);
	if (r < 0) {
		char *later = again_command(r, config_path, when, leg, site, note);

		ctl_mqtt_say_failure(&config->mqtt, error, r,
				     later ? later : "; the cramp is not logged");
		free(later);
		r = EXIT_UNAVAILABLE;
		goto out;
	}
	if (r == 0) {
		ctl_say_nothing_retained(config, " the cramp is not logged");
		r = EXIT_UNAVAILABLE;
		goto out;
	}
	if (strcmp(availability, "offline") == 0)
		/* Only the broker holds it now: what that depends on is said (a user trial). */
		printf("Cramp at %.10s %.5s sent; bedroomd is offline now and logs it when it is "
		       "back. Until then only the broker %s:%d holds it: a broker restart or power "
		       "cut before then loses it unless the broker saves queued messages (README: "
		       "\"Keeping cramps through a broker restart\"). 'bedroomctl report' shows it "
		       "once logged.\n",
		       when, when + 11, config->mqtt.host, config->mqtt.port);
	else
		printf("Cramp at %.10s %.5s sent to bedroomd.\n", when, when + 11);
	r = 0;
out:
	json_decref(j);
	free(availability);
	free(availability_topic);
	free(payload);
	free(topic);
	config_free(config);
	return r;
}
