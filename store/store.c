/* Opening and closing the store on SQLite: SQLITE_* codes stop here (see store/sqlite-errno.h). */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "control/clock-set.h"
#include "store/sqlite-errno.h"
#include "store/store-internal.h"

static int make_dir(const char *dir)
{
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

/* The PID written in the lock file @fd by its holder, or 0. */
static long lock_holder(int fd)
{
	char text[24] = "";
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);

	return n > 0 ? strtol(text, NULL, 10) : 0;
}

int store_dir_lock(const char *dir, long *ret_holder)
{
	char *path;
	int fd, r;

	*ret_holder = 0;
	r = make_dir(dir);
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/%s", dir, STORE_LOCK_NAME) < 0)
		return -ENOMEM;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	free(path);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		*ret_holder = lock_holder(fd);
		close(fd);
		return r;
	}
	if (ftruncate(fd, 0) < 0 || dprintf(fd, "%ld\n", (long) getpid()) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/*
 * Reads the store's file and its WAL back from the disk: -EIO (or another
 * -errno) from the first read that fails, else 0. A read error is a disk
 * failing (a worn SD card), which SQLite may report as a malformed file; it
 * must not be taken for damage and the file moved aside.
 */
static int read_back(const char *path)
{
	static const char *const suffixes[] = { "", "-wal" };
	char name[4096], buf[16384];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		ssize_t n;
		int fd, r = 0;

		snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
		fd = open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return -errno;
		}
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			;
		if (n < 0)
			r = -errno;
		close(fd);
		if (r < 0)
			return r;
	}
	return 0;
}

/* @r, or -EIO when it says damage (or an I/O error) and the disk would not read @path back. */
static int damage_or_disk(int r, const char *path)
{
	if ((r == -EBADMSG || r == -EIO) && path && read_back(path) == -EIO)
		return -EIO;
	return r;
}

/*
 * SQLite opens a file it cannot write read-only, without a word: a store that
 * reads as "ok" and refuses every cramp. Such a store is not opened: -EROFS
 * when its file system is mounted read-only (remounted after disk errors),
 * else why the file cannot be written (-EACCES: owned by another user, as
 * root leaves it after a restore; -EPERM: immutable), so that the open fails
 * and is tried again until it can write.
 */
static int refuse_read_only(struct store *s, const char *dir)
{
	struct statvfs fs;

	if (sqlite3_db_readonly(s->db, "main") != 1)
		return 0;
	if (statvfs(dir, &fs) == 0 && (fs.f_flag & ST_RDONLY))
		return -EROFS;
	if (access(s->path, W_OK) < 0 && errno != ENOENT)
		return errno == EROFS ? -EROFS : -errno;
	return -EACCES;
}

/* What each connection of the daemon's store is set to: the file's WAL mode, and its own. */
static int connection_setup(sqlite3 *db)
{
	static const char *const pragmas[] = {
		"PRAGMA journal_mode = WAL;",
		"PRAGMA synchronous = FULL;",
		"PRAGMA foreign_keys = ON;",
		/*
		 * The daemon reads a few rows at a time: 256 KiB of page cache, not
		 * SQLite's 2 MiB, which a backlog of events sent after a week without
		 * the broker would otherwise fill and keep.
		 */
		"PRAGMA cache_size = -256;",
	};

	/* Never wait long: the daemon's loop must not block on a reader. */
	(void) sqlite3_busy_timeout(db, 200);
	for (size_t i = 0; i < sizeof(pragmas) / sizeof(pragmas[0]); i++) {
		int r = errno_from_sqlite(sqlite3_exec(db, pragmas[i], NULL, NULL, NULL));

		if (r < 0)
			return r;
	}
	return 0;
}

int store_reconnect(struct store *s)
{
	sqlite3 *db = NULL;
	int r;

	r = errno_from_sqlite(
	    sqlite3_open_v2(s->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL));
	if (r >= 0) {
		(void) sqlite3_extended_result_codes(db, 1);
		r = sqlite3_db_readonly(db, "main") == 1 ? -EACCES : connection_setup(db);
	}
	if (r < 0) {
		sqlite3_close_v2(db);
		return r;
	}
	/* Closing a connection rolls back what it left open, and releases its lock. */
	sqlite3_close_v2(s->db);
	s->db = db;
	return 0;
}

int store_open(const char *dir, struct store **ret)
{
	struct store *s;
	int refused = 0, r;

	r = make_dir(dir);
	if (r < 0)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (asprintf(&s->path, "%s/%s", dir, STORE_FILE_NAME) < 0) {
		s->path = NULL;
		r = -ENOMEM;
		goto out;
	}
	r = sqlite3_open_v2(s->path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (r != SQLITE_OK) {
		r = errno_from_sqlite(r);
		goto out;
	}
	(void) sqlite3_extended_result_codes(s->db, 1);
	r = refused = refuse_read_only(s, dir);
	if (r < 0)
		goto out;
	r = connection_setup(s->db);
	if (r >= 0)
		r = store_migrate(s);
	if (r < 0)
		goto out;
	*ret = s;
	return 0;
out:
	/* SQLite says "cannot open" for any reason: the system's own is the one to show. */
	if ((r == -ENOENT || r == -EIO || r == -EACCES) && !refused && s->db &&
	    sqlite3_system_errno(s->db) > 0)
		r = -sqlite3_system_errno(s->db);
	/*
	 * On a read-only directory SQLite falls back to opening read-only, which
	 * fails with ENOENT for a file not made yet: the directory's is the cause.
	 */
	if (r == -ENOENT && access(dir, W_OK) < 0 && errno != ENOENT)
		r = -errno;
	r = damage_or_disk(r, s->path);
	store_close(s);
	return r;
}

int store_open_read_only(const char *path, struct store **ret)
{
	struct store *s;
	struct stat st;
	int r;

	/* The file must be there: SQLite would otherwise report it only at the first read. */
	if (access(path, R_OK) < 0 || stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->path = strdup(path);
	if (!s->path) {
		r = -ENOMEM;
		goto out;
	}
	r = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (r != SQLITE_OK) {
		r = errno_from_sqlite(r);
		goto out;
	}
	(void) sqlite3_extended_result_codes(s->db, 1);
	/* A reader is not the daemon's loop: it may wait for a writer's transaction. */
	(void) sqlite3_busy_timeout(s->db, 5000);
	r = store_schema_readable(s);
	if (r < 0)
		goto out;
	s->schema = r;
	*ret = s;
	return 0;
out:
	store_close(s);
	return r;
}

struct store *store_close(struct store *s)
{
	if (!s)
		return NULL;
	if (s->db)
		sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
	return NULL;
}

const char *store_path(const struct store *s)
{
	return s->path;
}

/* Whether every delivered cramp dated after the clock was set is older than @before. */
static int prune_would_empty_cramps(struct store *s, int64_t before)
{
	static const char sql[] =
	    "SELECT EXISTS (SELECT 1 FROM cramps WHERE time < ?1 AND time >= ?2 AND delivered = 1)"
	    " AND NOT EXISTS (SELECT 1 FROM cramps WHERE time >= ?1);";
	sqlite3_stmt *st;
	int rc, r;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, WALL_CLOCK_SET_AFTER_S);
	rc = sqlite3_step(st);
	r = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) != 0 : errno_from_sqlite(rc);
	sqlite3_finalize(st);
	return r;
}

int store_prune(struct store *s, int64_t before)
{
	/*
	 * A cramp (or its advisory) dated before the clock was set is not old: it
	 * was logged on a Pi without a real-time clock before NTP, and its date is
	 * wrong. It stays for a person to see (?2), never silently removed.
	 * Nor does a prune empty a table of what it holds: by a clock years ahead
	 * (a clock chip that lost its battery and reads 2106) everything is
	 * "older than the retention". Only rows older than one dated @before or
	 * later go; the cramps' advisories go with the cramps.
	 */
	static const char *const sql[] = {
		"DELETE FROM cramps WHERE time < ?1 AND time >= ?2 AND delivered = 1"
		" AND EXISTS (SELECT 1 FROM cramps WHERE time >= ?1);",
		"DELETE FROM advisories WHERE time < ?1 AND time >= ?2"
		" AND EXISTS (SELECT 1 FROM cramps WHERE time >= ?1);",
		"DELETE FROM room_temperature WHERE time < ?1"
		" AND EXISTS (SELECT 1 FROM room_temperature WHERE time >= ?1);",
		"DELETE FROM reminder_log WHERE time < ?1"
		" AND EXISTS (SELECT 1 FROM reminder_log WHERE time >= ?1);",
	};
	int kept = prune_would_empty_cramps(s, before);

	if (kept < 0)
		return kept;
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st;
		int rc = sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL);

		if (rc != SQLITE_OK)
			return errno_from_sqlite(rc);
		sqlite3_bind_int64(st, 1, before);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_int64(st, 2, WALL_CLOCK_SET_AFTER_S);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return errno_from_sqlite(rc);
	}
	return kept;
}

int store_first_record(struct store *s, int64_t *ret_time, int *ret_tz_offset_s)
{
	/*
	 * Each table's oldest, then the oldest of those: what the daemon stamped
	 * with its own clock as it recorded it. A cramp by when it was logged, not
	 * its own time (a cramp remembered may be dated weeks back); no advisory,
	 * which is dated by the cramp that crossed the line, so the same. Nothing
	 * stamped before the clock was set (?1): that date is wrong, not old.
	 */
	static const char *const queries[] = {
		"SELECT recorded, tz_offset_s FROM cramps WHERE recorded >= ?1 "
		"ORDER BY recorded LIMIT 1;",
		"SELECT time, tz_offset_s FROM room_temperature WHERE time >= ?1 "
		"ORDER BY time LIMIT 1;",
		"SELECT time, tz_offset_s FROM reminder_log WHERE time >= ?1 "
		"ORDER BY time LIMIT 1;",
	};
	size_t n = s->schema >= STORE_SCHEMA_REMINDERS ? 3 : 2;
	int r = -ENODATA;

	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st;
		int rc;

		rc = sqlite3_prepare_v2(s->db, queries[i], -1, &st, NULL);
		if (rc != SQLITE_OK)
			return errno_from_sqlite(rc);
		sqlite3_bind_int64(st, 1, WALL_CLOCK_SET_AFTER_S);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW &&
		    (r == -ENODATA || sqlite3_column_int64(st, 0) < *ret_time)) {
			*ret_time = sqlite3_column_int64(st, 0);
			*ret_tz_offset_s = sqlite3_column_int(st, 1);
			r = 0;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return errno_from_sqlite(rc);
	}
	return r;
}

int store_check(struct store *s)
{
	sqlite3_stmt *st;
	int rc, r;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1);", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return errno_from_sqlite(rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) { /* one row, "ok" or the first problem found */
		const char *text = (const char *) sqlite3_column_text(st, 0);

		r = !text ? -ENOMEM : strcmp(text, "ok") == 0 ? 0 : -EBADMSG;
	} else {
		r = errno_from_sqlite(rc);
	}
	sqlite3_finalize(st);
	return damage_or_disk(r, s->path);
}

const char *store_strerror(int error)
{
	switch (error) {
	case -ENODEV:
		return "the store is not open";
	case -EBADMSG:
		return "the file reads as damaged";
	default:
		return strerror(-error);
	}
}
