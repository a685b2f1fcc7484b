/* What the cramp log's tests share: see cramp-log-fixture.h. */
#include "tests/integration/cramp-log-fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int cramp_teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(f->client, &f->daemon, &f->broker);
	free(f);
	return 0;
}

int cramp_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char text[1024];

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/cr%d", (int) getpid());
	snprintf(f->command_topic, sizeof(f->command_topic), "%s/cramp", f->base);
	snprintf(f->event_topic, sizeof(f->event_topic), "%s/event/cramp", f->base);
	if (harness_setup(&f->broker, &f->daemon, "bedroomd/#", &f->client) < 0) {
		cramp_teardown(state);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/bedroomd.db", f->daemon.state_dir);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = cr%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n",
		 (int) getpid(), f->broker.port);
	if (daemon_write_config(&f->daemon, text) < 0) {
		cramp_teardown(state);
		return -1;
	}
	return 0;
}

void start(struct fixture *f)
{
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
}

/* Counts rows of the store, read-only beside the running daemon; -1 if it cannot. */
int count_rows(struct fixture *f, const char *where)
{
	return store_count_rows(f->db, "cramps", where);
}

void wait_rows(struct fixture *f, const char *where, int want)
{
	long long end = now_ms() + 15000;
	int n = -1;

	while (now_ms() < end && (n = count_rows(f, where)) != want)
		usleep(100000);
	if (n != want)
		fail_msg("store: %d rows where %s, wanted %d", n, where, want);
}

/* A report at @ago_s seconds before now, with @leg and @site. */
void report_at(struct fixture *f, int64_t ago_s, const char *leg, const char *site)
{
	char payload[256], iso[40];
	time_t t = time(NULL) - (time_t) ago_s;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(payload, sizeof(payload), "{\"leg\":\"%s\",\"site\":\"%s\",\"time\":\"%s\"}", leg,
		 site, iso);
	assert_int_equal(client_publish(f->client, f->command_topic, payload, false), 0);
}

/* How many events on @topic so far carry @needle. */
int count_events(struct fixture *f, const char *topic, const char *needle)
{
	const struct message *msgs;
	size_t n = client_messages(f->client, &msgs);
	int k = 0;

	for (size_t i = 0; i < n; i++)
		k += strcmp(msgs[i].topic, topic) == 0 && strstr(msgs[i].payload, needle) != NULL;
	return k;
}
