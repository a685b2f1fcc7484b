/* The real w1, iio and hwmon reading code on fake sysfs trees built in a mkdtemp dir. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sensors/sysfs-read.h"
#include "sensors/temp-iio.h"
#include "sensors/temp-retry.h"
#include "sensors/temp-source.h"
#include "sensors/temp-w1.h"

#define DEV_A        "28-0316a2795eff"
#define DEV_B        "28-0416b1a2c3d4"
#define SLAVE_GOOD   "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n"
#define SLAVE_CRC_NO "72 01 4b 46 7f ff 0e 10 00 : crc=57 NO\n72 01 4b 46 7f ff 0e 10 57 t=23125\n"
#define SLAVE_85     "50 05 4b 46 7f ff 0c 10 1c : crc=1c YES\n50 05 4b 46 7f ff 0c 10 1c t=85000\n"
#define SLAVE_M127   "10 f8 4b 46 7f ff 10 10 2a : crc=2a YES\n10 f8 4b 46 7f ff 10 10 2a t=-127000\n"
#define SLAVE_ONES   "ff ff ff ff ff ff ff ff ff : crc=c9 NO\nff ff ff ff ff ff ff ff ff t=-62\n"

static char root[PATH_MAX];

static const char *at(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *at(const char *fmt, ...)
{
	static char bufs[4][PATH_MAX];
	static unsigned next;
	char *buf = bufs[next++ % 4], rel[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (snprintf(buf, PATH_MAX, "%s/%s", root, rel) >= PATH_MAX)
		abort();
	return buf;
}

static void mkdirs(const char *path)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			(void) mkdir(tmp, 0755);
			*p = '/';
		}
	(void) mkdir(tmp, 0755);
}

static void put(const char *path, const char *text)
{
	char dir[PATH_MAX];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void put_huge(const char *path, size_t size)
{
	char *big = malloc(size + 1);

	assert_non_null(big);
	memset(big, '1', size);
	big[size] = '\0';
	put(path, big);
	free(big);
}

/* A DS18B20 as the kernel lays it out: the device lives under its bus master. */
static void add_w1(const char *dev, const char *slave)
{
	char target[PATH_MAX];

	put(at("devices/w1_bus_master1/%s/w1_slave", dev), slave);
	put(at("devices/w1_bus_master1/therm_bulk_read"), "0\n");
	mkdirs(at("bus/w1/devices"));
	snprintf(target, sizeof(target), "../../../devices/w1_bus_master1/%s", dev);
	assert_int_equal(symlink(target, at("bus/w1/devices/%s", dev)), 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof(root), "%s/bedroomd-sysfs-XXXXXX", tmp ? tmp : "/tmp");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int open_w1(const char *device, struct temp_source **ret, char **ret_error)
{
	struct temp_source_params p = { .type = "w1", .sysfs_root = root, .device = device };

	return temp_source_new(&p, ret, ret_error);
}

static int measure_w1(const char *slave, struct temp_reading *ret)
{
	struct temp_source *s = NULL;
	int r;

	add_w1(DEV_A, slave);
	assert_int_equal(open_w1(NULL, &s, NULL), 0);
	r = temp_source_measure(s, ret);
	temp_source_free(s);
	return r;
}

static void test_w1_good(void **state)
{
	struct temp_reading rd = { .value_mc = 1 };

	assert_int_equal(measure_w1(SLAVE_GOOD, &rd), 0);
	assert_int_equal(rd.value_mc, 23125);
	assert_false(rd.crc_failed);
	assert_false(rd.raw_all_ones);
	assert_false(rd.raw_all_zeros);
	/* The bulk trigger reached the bus master's attribute. */
	{
		char buf[32];

		assert_int_equal(
		    sysfs_read_file(at("devices/w1_bus_master1/therm_bulk_read"), buf, sizeof(buf)),
		    8);
		assert_string_equal(buf, "trigger\n");
	}
}

static void test_w1_crc_no(void **state)
{
	struct temp_reading rd;

	assert_int_equal(measure_w1(SLAVE_CRC_NO, &rd), 0);
	assert_true(rd.crc_failed);
	assert_int_equal(rd.value_mc, 23125);
}

static void test_w1_85(void **state)
{
	struct temp_reading rd;

	assert_int_equal(measure_w1(SLAVE_85, &rd), 0);
	assert_int_equal(rd.value_mc, 85000);
	assert_false(rd.crc_failed);
}

static void test_w1_minus_127(void **state)
{
	struct temp_reading rd;

	assert_int_equal(measure_w1(SLAVE_M127, &rd), 0);
	assert_int_equal(rd.value_mc, -127000);
}

static void test_w1_all_ones(void **state)
{
	struct temp_reading rd;

	assert_int_equal(measure_w1(SLAVE_ONES, &rd), 0);
	assert_true(rd.raw_all_ones);
	assert_true(rd.crc_failed);
	assert_int_equal(rd.value_mc, -62);
}

/* Data line held low: all zeros, and the CRC of zeros is zero, so "YES". */
static void test_w1_all_zeros(void **state)
{
	struct temp_reading rd;

	assert_int_equal(measure_w1("00 00 00 00 00 00 00 00 00 : crc=00 YES\n"
				    "00 00 00 00 00 00 00 00 00 t=0\n",
				    &rd),
			 0);
	assert_true(rd.raw_all_zeros);
	assert_false(rd.raw_all_ones);
	assert_false(rd.crc_failed);
	assert_int_equal(rd.value_mc, 0);
}

static void test_w1_garbage(void **state)
{
	struct temp_reading rd = { .value_mc = 4711 };

	assert_int_equal(measure_w1("hello world\n", &rd), -EBADMSG);
	assert_int_equal(rd.value_mc, 4711); /* untouched on failure */
}

static void test_w1_trailing_junk(void **state)
{
	struct temp_reading rd;

	assert_int_equal(measure_w1(SLAVE_GOOD "x", &rd), -EBADMSG);
	assert_int_equal(temp_w1_parse_slave("72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n"
					     "72 01 4b 46 7f ff 0e 10 57 t=23x125\n",
					     &rd),
			 -EBADMSG);
	assert_int_equal(temp_w1_parse_slave("72 01 4b 46 7f ff 0e 10 57 : crc=57 MAYBE\n"
					     "72 01 4b 46 7f ff 0e 10 57 t=23125\n",
					     &rd),
			 -EBADMSG);
}

static void test_w1_empty(void **state)
{
	struct temp_reading rd;

	/* w1_therm returns nothing for a failed or running conversion. */
	assert_int_equal(measure_w1("", &rd), -ENODATA);
}

static void test_w1_huge(void **state)
{
	struct temp_source *s = NULL;
	struct temp_reading rd;

	add_w1(DEV_A, SLAVE_GOOD);
	put_huge(at("devices/w1_bus_master1/%s/w1_slave", DEV_A), 1024 * 1024);
	assert_int_equal(open_w1(DEV_A, &s, NULL), 0);
	assert_int_equal(temp_source_measure(s, &rd), -EFBIG);
	temp_source_free(s);
}

/* The longest valid w1_slave fits; one byte more is too big. */
static void test_w1_boundary(void **state)
{
#define LONGEST                                                                                    \
	"ff ff ff ff ff ff ff ff ff : crc=c9 YES\n"                                                \
	"ff ff ff ff ff ff ff ff ff t=-2147483648\n"
	static const char longest[] = LONGEST;
	struct temp_source *s = NULL;
	struct temp_reading rd;

	assert_int_equal(sizeof(longest), TEMP_W1_SLAVE_MAX_LEN);
	add_w1(DEV_A, longest);
	assert_int_equal(open_w1(DEV_A, &s, NULL), 0);
	assert_int_equal(temp_source_measure(s, &rd), 0);
	assert_true(rd.value_mc == INT32_MIN);
	assert_true(rd.raw_all_ones);
	put(at("devices/w1_bus_master1/%s/w1_slave", DEV_A), LONGEST "\n");
	assert_int_equal(temp_source_measure(s, &rd), -EFBIG);
	temp_source_free(s);
}

static void test_w1_isdir(void **state)
{
	struct temp_source *s = NULL;
	struct temp_reading rd;

	add_w1(DEV_A, SLAVE_GOOD);
	assert_int_equal(open_w1(DEV_A, &s, NULL), 0);
	assert_int_equal(unlink(at("devices/w1_bus_master1/%s/w1_slave", DEV_A)), 0);
	mkdirs(at("devices/w1_bus_master1/%s/w1_slave", DEV_A));
	assert_int_equal(temp_source_measure(s, &rd), -EISDIR);
	temp_source_free(s);
}

/* Measures in a child that is not root (root reads anything); returns the errno it got. */
static int measure_unprivileged(struct temp_source *s)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct temp_reading rd;
		int r;

		if (geteuid() == 0 &&
		    (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0))
			_exit(255);
		r = temp_source_measure(s, &rd);
		_exit(r < 0 ? -r : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_w1_unreadable(void **state)
{
	struct temp_source *s = NULL;

	add_w1(DEV_A, SLAVE_GOOD);
	assert_int_equal(chmod(at("devices/w1_bus_master1/%s/w1_slave", DEV_A), 0), 0);
	assert_int_equal(open_w1(DEV_A, &s, NULL), 0);
	assert_int_equal(measure_unprivileged(s), EACCES);
	temp_source_free(s);
}

/* A FIFO with no writer: O_NONBLOCK makes it an empty read, not a hang. */
static void test_w1_fifo(void **state)
{
	struct temp_source *s = NULL;
	struct temp_reading rd;

	add_w1(DEV_A, SLAVE_GOOD);
	assert_int_equal(unlink(at("devices/w1_bus_master1/%s/w1_slave", DEV_A)), 0);
	assert_int_equal(mkfifo(at("devices/w1_bus_master1/%s/w1_slave", DEV_A), 0644), 0);
	assert_int_equal(open_w1(DEV_A, &s, NULL), 0);
	assert_int_equal(temp_source_measure(s, &rd), -ENODATA);
	temp_source_free(s);
}

static void test_w1_device_gone(void **state)
{
	struct temp_source *s = NULL;
	struct temp_reading rd;

	add_w1(DEV_A, SLAVE_GOOD);
	assert_int_equal(open_w1(DEV_A, &s, NULL), 0);
	/* Unplugged: the kernel removes the slave's directory. */
	assert_int_equal(unlink(at("devices/w1_bus_master1/%s/w1_slave", DEV_A)), 0);
	assert_int_equal(rmdir(at("devices/w1_bus_master1/%s", DEV_A)), 0);
	assert_int_equal(temp_source_measure(s, &rd), -ENOENT);
	temp_source_free(s);
}

static void test_w1_temperature_only(void **state)
{
	struct temp_source *s = NULL;
	struct temp_reading rd;

	put(at("bus/w1/devices/%s/temperature", DEV_A), "21062\n");
	assert_int_equal(open_w1(NULL, &s, NULL), 0);
	assert_int_equal(temp_source_measure(s, &rd), 0);
	assert_int_equal(rd.value_mc, 21062);
	temp_source_free(s);
}

static void test_w1_discovery(void **state)
{
	struct temp_source *s = NULL;
	char *error = NULL;

	/* No bus at all. */
	assert_int_equal(open_w1(NULL, &s, &error), -ENODEV);
	assert_non_null(error);
	free(error);
	error = NULL;
	/* A bus with only its master. */
	mkdirs(at("bus/w1/devices/w1_bus_master1"));
	assert_int_equal(open_w1(NULL, &s, &error), -ENODEV);
	assert_non_null(strstr(error, "no DS18B20"));
	free(error);
	error = NULL;
	assert_null(s);
	/* One: found. */
	add_w1(DEV_B, SLAVE_GOOD);
	assert_int_equal(open_w1(NULL, &s, &error), 0);
	assert_null(error);
	s = temp_source_free(s);
	/* Two: refused, both named. */
	add_w1(DEV_A, SLAVE_GOOD);
	assert_int_equal(open_w1(NULL, &s, &error), -ENOTUNIQ);
	assert_null(s);
	assert_non_null(strstr(error, "'" DEV_A "', '" DEV_B "'"));
	free(error);
	error = NULL;
	/* Given: fine; a missing one: -ENODEV. */
	assert_int_equal(open_w1(DEV_A, &s, NULL), 0);
	s = temp_source_free(s);
	assert_int_equal(open_w1("28-000000000000", &s, &error), -ENODEV);
	free(error);
	assert_int_equal(open_w1("../../etc", &s, NULL), -EINVAL);
	assert_null(s);
}

/* The daemon's path: start, wait for the fd, read. */
static void test_w1_async(void **state)
{
	struct temp_source *s = NULL;
	struct temp_reading rd = { 0 };
	uint64_t conv_usec = 0;
	struct pollfd pfd;
	int r;

	add_w1(DEV_A, SLAVE_GOOD);
	assert_int_equal(open_w1(NULL, &s, NULL), 0);
	assert_int_equal(temp_source_read(s, &rd), -ECHILD);
	assert_int_equal(temp_source_fd(s), -EBADF);
	assert_int_equal(temp_source_start(s, &conv_usec), 0);
	assert_int_equal(conv_usec, 800000);
	assert_int_equal(temp_source_start(s, &conv_usec), -EBUSY);
	pfd = (struct pollfd){ .fd = temp_source_fd(s), .events = POLLIN };
	assert_true(pfd.fd >= 0);
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	assert_int_equal(temp_source_read(s, &rd), 0);
	assert_int_equal(rd.value_mc, 23125);
	/* A second round, then a failing one: the error comes through the pipe. */
	put(at("devices/w1_bus_master1/%s/w1_slave", DEV_A), "junk\n");
	assert_int_equal(temp_source_start(s, &conv_usec), 0);
	pfd.fd = temp_source_fd(s);
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	assert_int_equal(temp_source_read(s, &rd), -EBADMSG);
	/* Cancel a running one, then free with one running. */
	assert_int_equal(temp_source_start(s, &conv_usec), 0);
	temp_source_cancel(s);
	assert_int_equal(temp_source_fd(s), -EBADF);
	/* A killed child may not be reaped yet: then the source is still busy. */
	r = temp_source_start(s, &conv_usec);
	assert_true(r == 0 || r == -EBUSY);
	assert_null(temp_source_free(s));
}

static int open_named(const char *type, const char *name, const char *label, unsigned index,
		      struct temp_source **ret)
{
	struct temp_source_params p = {
		.type = type, .sysfs_root = root, .name = name, .label = label, .index = index
	};

	return temp_source_new(&p, ret, NULL);
}

static int measure_named(const char *type, const char *name, struct temp_reading *ret)
{
	struct temp_source *s = NULL;
	int r;

	r = open_named(type, name, NULL, 0, &s);
	if (r < 0)
		return r;
	r = temp_source_measure(s, ret);
	temp_source_free(s);
	return r;
}

static void test_iio_input(void **state)
{
	struct temp_reading rd;

	put(at("bus/iio/devices/iio:device0/name"), "bme280\n");
	put(at("bus/iio/devices/iio:device0/in_temp_input"), "19870\n");
	put(at("bus/iio/devices/iio:device1/name"), "dht11\n");
	put(at("bus/iio/devices/iio:device1/in_temp_input"), "21400\n");
	assert_int_equal(measure_named("iio", "dht11", &rd), 0);
	assert_int_equal(rd.value_mc, 21400);
	assert_int_equal(measure_named("iio", "bme280", &rd), 0);
	assert_int_equal(rd.value_mc, 19870);
	assert_int_equal(measure_named("iio", "bmp180", &rd), -ENODEV);
}

static void test_iio_raw_scale_offset(void **state)
{
	struct temp_reading rd;
	int32_t mc;

	put(at("bus/iio/devices/iio:device3/name"), "tmp117\n");
	put(at("bus/iio/devices/iio:device3/in_temp_raw"), "2752\n");
	put(at("bus/iio/devices/iio:device3/in_temp_scale"), "7.812500\n");
	assert_int_equal(measure_named("iio", "tmp117", &rd), 0);
	assert_int_equal(rd.value_mc, 21500); /* 2752 * 7.8125 */
	put(at("bus/iio/devices/iio:device3/in_temp_offset"), "-1000.500000\n");
	put(at("bus/iio/devices/iio:device3/in_temp_raw"), "3000\n");
	put(at("bus/iio/devices/iio:device3/in_temp_scale"), "10\n");
	assert_int_equal(measure_named("iio", "tmp117", &rd), 0);
	assert_int_equal(rd.value_mc, 19995); /* (3000 - 1000.5) * 10 */
	put(at("bus/iio/devices/iio:device3/in_temp_scale"), "1e3\n");
	assert_int_equal(measure_named("iio", "tmp117", &rd), -EBADMSG);
	assert_int_equal(temp_iio_from_raw(INT64_MAX, 0, 1e9, &mc), -ERANGE);
}

static void test_iio_by_path_and_errors(void **state)
{
	struct temp_source_params p = { .type = "iio", .sysfs_root = root };
	struct temp_source *s = NULL;
	struct temp_reading rd;

	put(at("bus/iio/devices/iio:device0/name"), "dht11\n");
	put(at("bus/iio/devices/iio:device0/in_temp_input"), "");
	p.path = at("bus/iio/devices/iio:device0");
	assert_int_equal(temp_source_new(&p, &s, NULL), 0);
	assert_int_equal(temp_source_measure(s, &rd), -ENODATA);
	put(at("bus/iio/devices/iio:device0/in_temp_input"), "21 400\n");
	assert_int_equal(temp_source_measure(s, &rd), -EBADMSG);
	put(at("bus/iio/devices/iio:device0/in_temp_input"), "21400\n\n");
	assert_int_equal(temp_source_measure(s, &rd), -EBADMSG);
	put_huge(at("bus/iio/devices/iio:device0/in_temp_input"), 1024 * 1024);
	assert_int_equal(temp_source_measure(s, &rd), -EFBIG);
	assert_int_equal(unlink(at("bus/iio/devices/iio:device0/in_temp_input")), 0);
	assert_int_equal(temp_source_measure(s, &rd), -ENOENT);
	s = temp_source_free(s);
	/* Both or neither of name= and path=. */
	p.name = "dht11";
	assert_int_equal(temp_source_new(&p, &s, NULL), -EINVAL);
	p.name = p.path = NULL;
	assert_int_equal(temp_source_new(&p, &s, NULL), -EINVAL);
	p.type = "onewire";
	p.name = "x";
	assert_int_equal(temp_source_new(&p, &s, NULL), -EINVAL);
	assert_null(s);
}

/*
 * A real EIO: reading /proc/self/mem at offset 0 (never mapped) fails with EIO,
 * as the dht11 driver does on a bad read. Passed through, in the calling process
 * and through the child, and the retry policy retries it.
 */
static void test_iio_eio(void **state)
{
	struct temp_retry_params rp = { .retries = 3, .retry_delay_usec = 2100000 };
	struct temp_retry st = { 0 };
	struct temp_source *s = NULL;
	struct temp_reading rd;
	uint64_t conv_usec, delay_usec;
	struct pollfd pfd;

	put(at("bus/iio/devices/iio:device0/name"), "dht11\n");
	assert_int_equal(symlink("/proc/self/mem", at("bus/iio/devices/iio:device0/in_temp_input")),
			 0);
	assert_int_equal(open_named("iio", "dht11", NULL, 0, &s), 0);
	assert_int_equal(temp_source_measure(s, &rd), -EIO);
	assert_int_equal(temp_source_start(s, &conv_usec), 0);
	pfd = (struct pollfd){ .fd = temp_source_fd(s), .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	assert_int_equal(temp_source_read(s, &rd), -EIO);
	temp_retry_begin(&st);
	assert_int_equal(temp_retry_step(&st, &rp, -EIO, 0, conv_usec, 60000000, &delay_usec),
			 TEMP_RETRY_ACTION_RETRY);
	assert_true(delay_usec == 2100000);
	assert_int_equal(temp_source_get_ops(s)->retries, 3);
	temp_source_free(s);
}

static void test_hwmon(void **state)
{
	struct temp_source *s = NULL;
	struct temp_reading rd;

	put(at("class/hwmon/hwmon0/name"), "cpu_thermal\n");
	put(at("class/hwmon/hwmon0/temp1_input"), "48312\n");
	put(at("class/hwmon/hwmon1/name"), "sht3x\n");
	put(at("class/hwmon/hwmon1/temp3_input"), "20125\n");
	put(at("class/hwmon/hwmon1/temp2_input"), "-1500\n");
	put(at("class/hwmon/hwmon1/temp2_label"), "outside\n");
	put(at("class/hwmon/hwmon1/temp3_label"), "bed\n");
	assert_int_equal(measure_named("hwmon", "sht3x", &rd), 0);
	assert_int_equal(rd.value_mc, -1500); /* lowest N */
	assert_int_equal(open_named("hwmon", "sht3x", "bed", 0, &s), 0);
	assert_int_equal(temp_source_measure(s, &rd), 0);
	assert_int_equal(rd.value_mc, 20125);
	s = temp_source_free(s);
	assert_int_equal(open_named("hwmon", "sht3x", NULL, 3, &s), 0);
	assert_int_equal(temp_source_measure(s, &rd), 0);
	assert_int_equal(rd.value_mc, 20125);
	s = temp_source_free(s);
	assert_int_equal(open_named("hwmon", "sht3x", "pillow", 0, &s), -ENODEV);
	assert_int_equal(open_named("hwmon", "sht3x", NULL, 7, &s), -ENODEV);
	assert_int_equal(open_named("hwmon", "lm75", NULL, 0, &s), -ENODEV);
	put(at("class/hwmon/hwmon0/temp1_input"), "warm\n");
	assert_int_equal(measure_named("hwmon", "cpu_thermal", &rd), -EBADMSG);
	/* Two devices with one name: refused. */
	put(at("class/hwmon/hwmon2/name"), "sht3x\n");
	put(at("class/hwmon/hwmon2/temp1_input"), "20000\n");
	assert_int_equal(open_named("hwmon", "sht3x", NULL, 0, &s), -ENOTUNIQ);
	assert_null(s);
}

static void test_parse_int(void **state)
{
	int64_t v = 7;
	double d;

	assert_int_equal(sysfs_parse_int("-127000\n", &v), 0);
	assert_int_equal(v, -127000);
	assert_int_equal(sysfs_parse_int("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sysfs_parse_int("", &v), -EBADMSG);
	assert_int_equal(sysfs_parse_int("-", &v), -EBADMSG);
	assert_int_equal(sysfs_parse_int(" 1", &v), -EBADMSG);
	assert_int_equal(sysfs_parse_int("1 ", &v), -EBADMSG);
	assert_int_equal(sysfs_parse_int("0x10", &v), -EBADMSG);
	assert_int_equal(sysfs_parse_int("99999999999999999999", &v), -EBADMSG);
	assert_int_equal(sysfs_parse_int("9223372036854775808", &v), -ERANGE);
	assert_int_equal(v, 0);
	assert_int_equal(sysfs_parse_int("-9223372036854775808", &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(sysfs_parse_decimal("-0.500000\n", &d), 0);
	assert_true(d == -0.5);
	assert_int_equal(sysfs_parse_decimal("1.", &d), -EBADMSG);
	assert_int_equal(sysfs_parse_decimal("nan", &d), -EBADMSG);
	assert_int_equal(sysfs_parse_decimal("inf\n", &d), -EBADMSG);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_w1_good),
		T(test_w1_crc_no),
		T(test_w1_85),
		T(test_w1_minus_127),
		T(test_w1_all_ones),
		T(test_w1_all_zeros),
		T(test_w1_garbage),
		T(test_w1_trailing_junk),
		T(test_w1_empty),
		T(test_w1_huge),
		T(test_w1_boundary),
		T(test_w1_isdir),
		T(test_w1_unreadable),
		T(test_w1_fifo),
		T(test_w1_device_gone),
		T(test_w1_temperature_only),
		T(test_w1_discovery),
		T(test_w1_async),
		T(test_iio_input),
		T(test_iio_raw_scale_offset),
		T(test_iio_by_path_and_errors),
		T(test_iio_eio),
		T(test_hwmon),
		cmocka_unit_test(test_parse_int),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
