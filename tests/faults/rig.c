#include "tests/faults/rig.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tools/sim-room/sim-w1.h"

#define DEVICE "28-0316a2795eff"

static const char *tmp_dir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

/* rig_setup() on a broker of its own (@host NULL) or on @host's. */
static int setup_on(struct rig *r, const struct rig *host, const char *name, const char *heating,
		    const char *sections, const char *heater)
{
	char text[4096];

	*r = (struct rig){ .daemon.notify_fd = -1, .guest = host != NULL };
	snprintf(r->node, sizeof(r->node), "%s%d", name, (int) getpid());
	snprintf(r->base, sizeof(r->base), "bedroomd/%s", r->node);
	snprintf(r->plug, sizeof(r->plug), "plug-%s", r->node);
	snprintf(r->dir, sizeof(r->dir), "%s/bedroomd-faults-XXXXXX", tmp_dir());
	if (!mkdtemp(r->dir)) {
		r->dir[0] = '\0';
		return -1;
	}
	snprintf(r->sysfs, sizeof(r->sysfs), "%s/sys", r->dir);
	snprintf(r->plug_log, sizeof(r->plug_log), "%s/plug.log", r->dir);
	if (sim_w1_plug(r->sysfs, DEVICE) < 0 || rig_room(r, 16.0) < 0)
		return -1;
	if (host) {
		r->broker = host->broker;
		if (daemon_prepare(&r->daemon) < 0 || client_new(&r->broker, "#", &r->client) < 0)
			return -1;
	} else if (harness_setup(&r->broker, &r->daemon, "#", &r->client) < 0) {
		return -1;
	}
	snprintf(r->db, sizeof(r->db), "%s/bedroomd.db", r->daemon.state_dir);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = %s\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[room]\nsysfs_root = %s\n"
		 "[heating]\nfloor = 18\nmin_on = 0\nmin_off = 0\n%s\n"
		 "[sensor.bed]\ntype = w1\ninterval = 2s\nstale_after = 10s\nmax_rate = 0\n"
		 "%s\n"
		 "[heater.oil]\ntype = tasmota\ntopic = %s\nconfirm_timeout = 2s\n%s\n",
		 r->node, r->broker.port, r->sysfs, heating ? heating : "day_floor = 18",
		 sections ? sections : "", r->plug, heater ? heater : "");
	return daemon_write_config(&r->daemon, text) < 0 ? -1 : 0;
}

int rig_setup(struct rig *r, const char *name, const char *heating, const char *sections,
	      const char *heater)
{
	return setup_on(r, NULL, name, heating, sections, heater);
}

int rig_setup_beside(struct rig *r, const struct rig *host, const char *name)
{
	return setup_on(r, host, name, NULL, NULL, NULL);
}

int rig_broker_conf(struct rig *r, const char *extra_conf)
{
	int ret;

	r->client = client_free(r->client);
	broker_stop(&r->broker);
	snprintf(r->broker.extra_conf, sizeof(r->broker.extra_conf), "%s", extra_conf);
	ret = broker_restart(&r->broker);
	if (ret >= 0)
		ret = client_new(&r->broker, "#", &r->client);
	return ret < 0 ? ret : 0;
}

void rig_teardown(struct rig *r)
{
	char cmd[300];

	if (!r)
		return;
	process_stop(&r->plug_pid);
	/* A guest's broker is its host's, which stops it. */
	harness_teardown(r->client, &r->daemon, r->guest ? NULL : &r->broker);
	r->client = NULL;
	if (r->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "# cannot remove '%s'\n", r->dir);
	}
	r->dir[0] = '\0';
}

int rig_start_plug(struct rig *r)
{
	char broker[64];
	const char *argv[] = { getenv("SIM_ROOM"), "--broker", broker, "--tasmota", r->plug,
			       "--tele-period",    "60",       NULL };

	if (!argv[0])
		return -ENOENT;
	snprintf(broker, sizeof(broker), "127.0.0.1:%d", r->broker.port);
	r->plug_pid = process_start(argv, r->plug_log);
	return r->plug_pid > 0 ? 0 : -ECHILD;
}

int rig_room(struct rig *r, double c)
{
	return sim_w1_write(r->sysfs, DEVICE, (int32_t) (c * 1000));
}

int rig_start(struct rig *r)
{
	return daemon_start_online(&r->daemon, r->client, r->base);
}

const char *rig_topic(struct rig *r, const char *suffix)
{
	snprintf(r->topic, sizeof(r->topic), "%s/%s", r->base, suffix);
	return r->topic;
}

const char *rig_plug_off_topic(struct rig *r)
{
	snprintf(r->topic, sizeof(r->topic), "cmnd/%s/POWER", r->plug);
	return r->topic;
}

const char *rig_plug_on_topic(struct rig *r)
{
	snprintf(r->topic, sizeof(r->topic), "cmnd/%s/Backlog", r->plug);
	return r->topic;
}

int rig_integrity(const char *db_path)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	int r = -1;

	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(db, 2000);
		if (sqlite3_prepare_v2(db, "PRAGMA integrity_check;", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW) {
			const char *said = (const char *) sqlite3_column_text(st, 0);

			r = said && strcmp(said, "ok") == 0 ? 0 : -1;
			if (r < 0)
				fprintf(stderr, "# integrity_check of '%s': %s\n", db_path,
					said ? said : "(null)");
		}
	}
	if (r < 0 && !st)
		fprintf(stderr, "# cannot check '%s': %s\n", db_path, db ? sqlite3_errmsg(db) : "");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return r;
}

int rig_wait_rows(const char *db, const char *table, const char *where, int want, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	int n;

	while ((n = store_count_rows(db, table, where)) != want && now_ms() < end)
		usleep(20000);
	return n;
}

uint64_t rig_seed(const char *test)
{
	const char *s = getenv("FAULTS_SEED");
	uint64_t seed =
	    s && *s ? strtoull(s, NULL, 0) : (uint64_t) time(NULL) ^ (uint64_t) getpid();

	if (seed == 0)
		seed = 1;
	printf("# %s: seed %llu (FAULTS_SEED=%llu repeats this run)\n", test,
	       (unsigned long long) seed, (unsigned long long) seed);
	fflush(stdout);
	return seed;
}

uint32_t rig_random(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return (uint32_t) ((x * 2685821657736338717ULL) >> 32);
}

int rig_log_count(struct rig *r, const char *needle)
{
	char *log = daemon_stderr(&r->daemon);
	int n = 0;

	for (const char *p = log; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	free(log);
	return n;
}

int rig_wait_log_after(struct rig *r, const char *needle, int count, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	while (rig_log_count(r, needle) <= count) {
		if (now_ms() > end)
			return -ETIMEDOUT;
		usleep(20000);
	}
	return 0;
}

void rig_drain_notify(struct rig *r)
{
	(void) daemon_wait_notify(&r->daemon, "\x01never", 0);
}

void rig_drain(struct client *c, int ms)
{
	(void) client_wait(c, "\x01never", NULL, ms);
}

/* The string value of "@key":"..." in @json into @buf ("" if none). */
static void json_string_of(const char *json, const char *key, char *buf, size_t size)
{
	char pattern[64];
	const char *p, *end;

	buf[0] = '\0';
	snprintf(pattern, sizeof(pattern), "\"%s\":\"", key);
	p = strstr(json, pattern);
	if (!p)
		return;
	p += strlen(pattern);
	end = strchr(p, '"');
	if (end)
		snprintf(buf, size, "%.*s", (int) (end - p), p);
}

void rig_events_take(struct rig_events *e, struct client *c, const char *base)
{
	const struct message *msgs;
	size_t n = client_messages(c, &msgs);
	char topic[128];

	snprintf(topic, sizeof(topic), "%s/event/cramp", base);
	for (size_t i = 0; i < n; i++) {
		struct rig_event *list;

		if (strcmp(msgs[i].topic, topic) != 0)
			continue;
		list = realloc(e->list, (e->n + 1) * sizeof(*list));
		if (!list)
			return;
		e->list = list;
		json_string_of(msgs[i].payload, "id", list[e->n].id, sizeof(list[e->n].id));
		json_string_of(msgs[i].payload, "note", list[e->n].note, sizeof(list[e->n].note));
		e->n++;
	}
}

void rig_events_clear(struct rig_events *e)
{
	free(e->list);
	*e = (struct rig_events){ 0 };
}

static bool seen_id(const struct rig_events *e, const char *id)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->list[i].id, id) == 0)
			return true;
	return false;
}

int rig_events_check(const struct rig_events *e, const char *db_path)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	int repeats = 0, bad = 0, stored = 0;

	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT id FROM cramps;", -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "# cannot read the cramps of '%s'\n", db_path);
		sqlite3_close(db);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *) sqlite3_column_text(st, 0);

		stored++;
		if (!seen_id(e, id)) {
			fprintf(stderr, "# cramp '%s' is stored but no subscriber saw it\n", id);
			bad++;
		}
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < e->n; i++) {
		char sql[300];

		snprintf(sql, sizeof(sql), "id = '%s'", e->list[i].id);
		if (store_count_rows(db_path, "cramps", sql) != 1) {
			fprintf(stderr, "# event '%s' is not a stored cramp\n", e->list[i].id);
			bad++;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(e->list[j].id, e->list[i].id) == 0) {
				repeats++;
				break;
			}
			if (e->list[i].note[0] && strcmp(e->list[j].note, e->list[i].note) == 0) {
				fprintf(stderr, "# note '%s' came with ids '%s' and '%s'\n",
					e->list[i].note, e->list[j].id, e->list[i].id);
				bad++;
				break;
			}
		}
	}
	sqlite3_close(db);
	printf("# %d cramps stored, %zu events seen, %d of them repeats of an id\n", stored, e->n,
	       repeats);
	return bad ? -1 : repeats;
}
