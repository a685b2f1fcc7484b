/*
 * [mqtt]'s files when the configuration is loaded: a CA file that is not PEM
 * and a key that is not the certificate's are refused with FILE:LINE; a
 * password file others can read is a warning; the password comes from the
 * file or the systemd credential mqtt-password, and never shows in a dump; a
 * file the service's user cannot read is a warning when checked as root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"

#define SECRET "s3cret pass"

static char tls_dir[4096];
static char dir[64]; /* a fresh temporary directory per test */
static char conf[128];

static int setup(void **state)
{
	/*
	 * As root, outside /tmp: the packaged unit's PrivateTmp= hides /tmp from the
	 * service, which the check of the service user's access says first.
	 */
	snprintf(dir, sizeof(dir), "%s/bedroomd-test-secret-XXXXXX",
		 geteuid() == 0 ? "/run" : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(conf, sizeof(conf), "%s/bedroomd.conf", dir);
	/* The service as root: whatever this test (root in CI) can read, it can. */
	setenv("BEDROOMD_SERVICE_USER", "root", 1);
	return 0;
}

static int teardown(void **state)
{
	char path[192];
	const char *names[] = { "bedroomd.conf", "password", "mqtt-password" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		(void) unlink(path);
	}
	(void) rmdir(dir);
	unsetenv("CREDENTIALS_DIRECTORY");
	unsetenv("BEDROOMD_SERVICE_USER");
	return 0;
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

/* Appends @text to @out with "@TLS@" (the test PEM directory) and "@DIR@" (the temp one) filled in.
 */
static void fill(const char *text, FILE *out)
{
	for (const char *at = text; *at; at++) {
		if (strncmp(at, "@TLS@", 5) == 0) {
			fputs(tls_dir, out);
			at += 4;
		} else if (strncmp(at, "@DIR@", 5) == 0) {
			fputs(dir, out);
			at += 4;
		} else {
			fputc(*at, out);
		}
	}
}

static int load(const char *text, struct config **ret, char **ret_error)
{
	char path[192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/bedroomd.conf", dir);
	f = fopen(path, "we");
	assert_non_null(f);
	fill(text, f);
	fclose(f);
	*ret = NULL;
	*ret_error = NULL;
	return config_load(conf, ret, ret_error);
}

static void assert_refused(const char *text, const char *where, const char *what)
{
	struct config *c;
	char *error, want[256];

	assert_int_equal(load(text, &c, &error), -EINVAL);
	snprintf(want, sizeof(want), "%s:%s", conf, where);
	if (strncmp(error, want, strlen(want)) != 0 || !strstr(error, what))
		fail_msg("want '%s ... %s', got '%s'", want, what, error);
	free(error);
}

static void test_ca_file_must_be_pem(void **state)
{
	write_file("password", SECRET "\n", 0600);
	assert_refused("[mqtt]\n\nca_file = @DIR@/password\n", "3: ", "holds no PEM certificate");
	assert_refused("[mqtt]\nca_file = @DIR@/none.pem\n", "2: ", "No such file");
}

static void test_key_must_be_the_certificates(void **state)
{
	const char *good = "[mqtt]\nca_file = @TLS@/ca.pem\ncert_file = @TLS@/client.pem\n"
			   "key_file = @TLS@/client.key\n";
	struct config *c;
	char *error;

	assert_int_equal(load(good, &c, &error), 0);
	config_free(c);
	assert_refused("[mqtt]\nca_file = @TLS@/ca.pem\ncert_file = @TLS@/client.pem\n"
		       "key_file = @TLS@/other.key\n",
		       "4: ", "is not the key of cert_file");
	assert_refused("[mqtt]\nca_file = @TLS@/ca.pem\ncert_file = @TLS@/client.key\n"
		       "key_file = @TLS@/client.key\n",
		       "3: ", "holds no PEM certificate");
	assert_refused("[mqtt]\nca_file = @TLS@/ca.pem\ncert_file = @TLS@/client.pem\n"
		       "key_file = @TLS@/client.pem\n",
		       "4: ", "holds no PEM private key");
}

static void test_password_file_readable_by_others_warns(void **state)
{
	const char *text = "[mqtt]\nusername = u\npassword_file = @DIR@/password\n";
	struct config *c;
	char *error, want[256];

	write_file("password", SECRET "\n", 0600);
	assert_int_equal(load(text, &c, &error), 0);
	assert_string_equal(c->mqtt.password, SECRET);
	assert_null(c->warnings);
	config_free(c);

	write_file("password", SECRET "\n", 0644);
	assert_int_equal(load(text, &c, &error), 0);
	snprintf(want, sizeof(want),
		 "%s:3: password_file '%s/password' is readable by group or others", conf, dir);
	assert_non_null(c->warnings);
	if (strncmp(c->warnings, want, strlen(want)) != 0)
		fail_msg("want '%s', got '%s'", want, c->warnings);
	assert_null(strstr(c->warnings, SECRET));
	config_free(c);
}

/*
 * Checked as root (sudo bedroomd --check-config), a file that the service's
 * user cannot read is said, by its owner and mode (a user trial: "valid",
 * then exit 78 at the next boot). Checked as another user there is nothing to
 * say: what it cannot read is an error already.
 */
static void test_a_file_the_service_user_cannot_read_warns(void **state)
{
	const char *text = "[mqtt]\nusername = u\npassword_file = @DIR@/password\n";
	struct passwd *nobody = getpwnam("nobody");
	struct config *c;
	char *error, want[512], path[192];

	assert_non_null(nobody); /* Debian has it */
	setenv("BEDROOMD_SERVICE_USER", "nobody", 1);
	assert_int_equal(chmod(dir, 0711), 0); /* the directory lets others through */
	write_file("password", SECRET "\n", 0600);
	assert_int_equal(load(text, &c, &error), 0);
	if (geteuid() != 0) {
		assert_null(c->warnings);
		config_free(c);
		return;
	}
	snprintf(want, sizeof(want),
		 "%s:3: password_file '%s/password' cannot be read by user nobody, whom the "
		 "service runs as (its owner is uid 0, mode 0600)",
		 conf, dir);
	assert_non_null(c->warnings);
	if (strncmp(c->warnings, want, strlen(want)) != 0)
		fail_msg("want '%s', got '%s'", want, c->warnings);
	assert_non_null(strstr(c->warnings, "credential mqtt-password"));
	config_free(c);
	/* Given to the service's user, in a directory of root's, mode 0700: out of reach. */
	snprintf(path, sizeof(path), "%s/password", dir);
	assert_int_equal(chown(path, nobody->pw_uid, nobody->pw_gid), 0);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(load(text, &c, &error), 0);
	snprintf(want, sizeof(want),
		 "%s:3: password_file '%s/password' cannot be reached by user nobody, whom the "
		 "service runs as: the directory '%s' does not let it through (its owner is "
		 "uid 0, mode 0700)",
		 conf, dir, dir);
	assert_non_null(c->warnings);
	if (strncmp(c->warnings, want, strlen(want)) != 0)
		fail_msg("want '%s', got '%s'", want, c->warnings);
	config_free(c);
	/* The directory lets others through: nothing to say. */
	assert_int_equal(chmod(dir, 0711), 0);
	assert_int_equal(load(text, &c, &error), 0);
	assert_null(c->warnings);
	config_free(c);
}

/*
 * A file in /tmp or a home directory, checked as root: the packaged unit
 * hides those from the service (PrivateTmp=, ProtectHome=), whatever the
 * modes say.
 */
static void test_a_file_the_unit_hides_warns(void **state)
{
	char tmp[64], path[128], text[256], want[512];
	struct config *c;
	char *error;
	FILE *f;

	setenv("BEDROOMD_SERVICE_USER", "nobody", 1);
	snprintf(tmp, sizeof(tmp), "/tmp/bedroomd-test-secret-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	assert_int_equal(chmod(tmp, 0755), 0);
	snprintf(path, sizeof(path), "%s/password", tmp);
	f = fopen(path, "we");
	assert_non_null(f);
	fputs(SECRET "\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0644), 0);
	snprintf(text, sizeof(text), "[mqtt]\nusername = u\npassword_file = %s\n", path);
	assert_int_equal(load(text, &c, &error), 0);
	(void) unlink(path);
	(void) rmdir(tmp);
	if (geteuid() != 0) {
		/* The check is root's, as --check-config under sudo. */
		assert_true(!c->warnings || !strstr(c->warnings, "out of the service's sight"));
		config_free(c);
		return;
	}
	snprintf(want, sizeof(want),
		 "%s:3: password_file '%s' is out of the service's sight: its unit has "
		 "PrivateTmp=yes, which hides that directory from it: the bedroomd service would "
		 "not start",
		 conf, path);
	assert_non_null(c->warnings);
	if (!strstr(c->warnings, want))
		fail_msg("want '%s', got '%s'", want, c->warnings);
	config_free(c);
}

/* The dump says where the password came from, and never the password. */
static void assert_dump_redacted(const struct config *c, const char *line)
{
	char *dump = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&dump, &size);

	assert_non_null(mem);
	assert_int_equal(config_dump(c, mem), 0);
	fclose(mem);
	assert_null(strstr(dump, "s3cret"));
	if (!strstr(dump, line))
		fail_msg("want '%s' in:\n%s", line, dump);
	free(dump);
}

static void test_password_from_credential(void **state)
{
	struct config *c;
	char *error;

	write_file("mqtt-password", SECRET "\n", 0400);
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", dir, 1), 0);
	assert_int_equal(load("[mqtt]\nusername = u\n", &c, &error), 0);
	assert_string_equal(c->mqtt.password, SECRET);
	assert_dump_redacted(c, "# password: read from the credential mqtt-password, not shown\n");
	config_free(c);
	/* No user name, no password: the credential is not read. */
	assert_int_equal(load("[mqtt]\n", &c, &error), 0);
	assert_null(c->mqtt.password);
	config_free(c);
	/* Without the credential, no password, and no error. */
	unsetenv("CREDENTIALS_DIRECTORY");
	assert_int_equal(load("[mqtt]\nusername = u\n", &c, &error), 0);
	assert_null(c->mqtt.password);
	config_free(c);
}

/* A user name with no password to go with it: loaded, with a warning at username's line. */
static void assert_no_password_warning(const char *where)
{
	struct config *c;
	char *error, want[256];

	assert_int_equal(load("[mqtt]\nhost = h\nusername = bedroom\n", &c, &error), 0);
	assert_null(c->mqtt.password);
	snprintf(want, sizeof(want), "%s:3: no password will be sent for user 'bedroom'", conf);
	if (!c->warnings || strncmp(c->warnings, want, strlen(want)) != 0 ||
	    !strstr(c->warnings, where))
		fail_msg("want '%s ... %s', got '%s'", want, where, c->warnings);
	config_free(c);
}

static void test_username_without_password_warns(void **state)
{
	char credential[192];
	struct config *c;
	char *error;

	assert_no_password_warning("$CREDENTIALS_DIRECTORY is not set");
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", dir, 1), 0);
	snprintf(credential, sizeof(credential), "no '%s/mqtt-password'", dir);
	assert_no_password_warning(credential);
	/* With a password, or with no user name, nothing to say. */
	write_file("mqtt-password", SECRET "\n", 0400);
	assert_int_equal(load("[mqtt]\nusername = bedroom\n", &c, &error), 0);
	assert_null(c->warnings);
	config_free(c);
	assert_int_equal(load("[mqtt]\nhost = h\n", &c, &error), 0);
	assert_null(c->warnings);
	config_free(c);
}

static void test_dump_shows_no_secret(void **state)
{
	struct config *c;
	char *error, *dump = NULL;
	size_t size = 0;
	FILE *mem;

	write_file("password", SECRET "\n", 0600);
	assert_int_equal(load("[mqtt]\nusername = u\npassword_file = @DIR@/password\n", &c, &error),
			 0);
	assert_string_equal(c->mqtt.password, SECRET);
	mem = open_memstream(&dump, &size);
	assert_non_null(mem);
	assert_int_equal(config_dump(c, mem), 0);
	fclose(mem);
	assert_non_null(strstr(dump, "password_file = "));
	assert_null(strstr(dump, "s3cret"));
	assert_non_null(strstr(dump, "# password: read from password_file, not shown\n"));
	free(dump);
	config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ca_file_must_be_pem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_must_be_the_certificates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_file_readable_by_others_warns, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_password_from_credential, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_file_the_service_user_cannot_read_warns,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_file_the_unit_hides_warns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_shows_no_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_username_without_password_warns, setup,
						teardown),
	};
	const char *testdata = getenv("TESTDATA");

	if (!testdata) {
		fprintf(stderr, "TESTDATA is not set: run this test through ctest\n");
		return 1;
	}
	snprintf(tls_dir, sizeof(tls_dir), "%s/config/tls", testdata);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
