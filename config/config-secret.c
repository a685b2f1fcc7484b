/*
 * The files [mqtt] points at, looked at when the configuration is loaded, so
 * that a daemon that could not use them does not start (and --check-config
 * says so): the CA, the client certificate and its key (PEM, and a pair), and
 * the password (from password_file, or the systemd credential mqtt-password).
 */
#include <errno.h>
#include <grp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config-parser.h"

#define CREDENTIAL_NAME "mqtt-password"

#define MQTT_LINE(key) parser_key_line(p, NULL, 0, "mqtt", key)

/* The user the packaged service runs as (User= of its unit); $BEDROOMD_SERVICE_USER for another. */
#define SERVICE_USER_DEFAULT "bedroomd"

static bool in_groups(const struct passwd *pw, gid_t gid)
{
	gid_t groups[64];
	int n = (int) (sizeof(groups) / sizeof(groups[0]));

	if (pw->pw_gid == gid)
		return true;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return false; /* more than 64: the mode's "others" decide */
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* Whether @st's mode gives @pw the owner's permission @owner_bit (S_IRUSR, S_IXUSR) by its class.
 */
static bool user_may(const struct passwd *pw, const struct stat *st, mode_t owner_bit)
{
	if (st->st_uid == pw->pw_uid)
		return st->st_mode & owner_bit;
	if (in_groups(pw, st->st_gid))
		return st->st_mode & (owner_bit >> 3);
	return st->st_mode & (owner_bit >> 6);
}

/*
 * The first directory on the way to @path (resolved) that @pw may not pass
 * through, into @buf; false if none. A file of mode 0644 in /root is out of
 * reach all the same (a review: "valid", then exit 78 at boot).
 */
static bool blocking_dir(const struct passwd *pw, const char *path, char *buf, size_t size,
			 struct stat *ret_st)
{
	char *real = realpath(path, NULL);
	bool blocked = false;

	if (!real)
		return false;
	/* From the top down: the first one that stops it is the one to change. */
	for (char *slash = strchr(real + 1, '/'); slash && !blocked;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (stat(real, ret_st) == 0 && !user_may(pw, ret_st, S_IXUSR)) {
			snprintf(buf, size, "%s", real);
			blocked = true;
		}
		*slash = '/';
	}
	if (!blocked && stat("/", ret_st) == 0 && !user_may(pw, ret_st, S_IXUSR)) {
		snprintf(buf, size, "/");
		blocked = true;
	}
	free(real);
	return blocked;
}

/*
 * The packaged unit's sandbox (systemd/bedroomd.service.in) hides these from
 * the service whatever their modes: a file there exists for root and is "No
 * such file or directory" for the service, at the next boot.
 */
static const struct {
	const char *dir, *why;
} hidden[] = {
	{ "/home", "ProtectHome=yes" },     { "/root", "ProtectHome=yes" },
	{ "/run/user", "ProtectHome=yes" }, { "/tmp", "PrivateTmp=yes" },
	{ "/var/tmp", "PrivateTmp=yes" },
};

/* The unit setting that hides @path (resolved) from the service, or NULL. */
static const char *hidden_by(const char *path)
{
	char *real = realpath(path, NULL);
	const char *why = NULL;

	for (size_t i = 0; real && !why && i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		size_t n = strlen(hidden[i].dir);

		if (strncmp(real, hidden[i].dir, n) == 0 && (real[n] == '/' || real[n] == '\0'))
			why = hidden[i].why;
	}
	free(real);
	return why;
}

/*
 * Run as root (sudo bedroomd --check-config), every file opens; the service,
 * as its own user, may not read one (a user trial: a password file of root's,
 * mode 0600, "valid", and at the next boot exit 78, which keeps the unit
 * down). Said, by the file's or a directory's owner and mode, when that user
 * exists.
 */
static void check_service_can_read(struct parser *p, const char *key, const char *path)
{
	const char *user = getenv("BEDROOMD_SERVICE_USER");
	struct passwd *pw;
	struct stat st;
	char dir[4096];
	const char *why;

	if (!user || !*user)
		user = SERVICE_USER_DEFAULT;
	if (geteuid() != 0 || !(pw = getpwnam(user)) || pw->pw_uid == 0 || stat(path, &st) < 0)
		return;
	if ((why = hidden_by(path)))
		parser_warning(
		    p, MQTT_LINE(key),
		    "%s '%s' is out of the service's sight: its unit has %s, which "
		    "hides that directory from it: the bedroomd service would not start. Put the "
		    "file in /etc/bedroomd (readable by %s)%s",
		    key, path, why, user,
		    strcmp(key, "password_file") == 0
			? ", or load it as the credential mqtt-password (README: Security)"
			: "");
	else if (blocking_dir(pw, path, dir, sizeof(dir), &st))
		parser_warning(
		    p, MQTT_LINE(key),
		    "%s '%s' cannot be reached by user %s, whom the service runs as: "
		    "the directory '%s' does not let it through (its owner is uid %u, "
		    "mode %04o): the bedroomd service would not start. Put the file where %s can "
		    "reach it%s",
		    key, path, user, dir, (unsigned) st.st_uid, (unsigned) (st.st_mode & 07777),
		    user,
		    strcmp(key, "password_file") == 0
			? ", or load it as the credential mqtt-password (README: Security)"
			: "");
	else if (stat(path, &st) == 0 && !user_may(pw, &st, S_IRUSR))
		parser_warning(
		    p, MQTT_LINE(key),
		    "%s '%s' cannot be read by user %s, whom the service runs as (its "
		    "owner is uid %u, mode %04o): the bedroomd service would not start. chown %s "
		    "it%s",
		    key, path, user, (unsigned) st.st_uid, (unsigned) (st.st_mode & 07777), user,
		    strcmp(key, "password_file") == 0
			? ", or load it as the credential mqtt-password (README: Security)"
			: "");
}

/* Opens @path of key @key for reading, or says why not. */
static FILE *open_or_say(struct parser *p, const char *key, const char *path)
{
	FILE *f = fopen(path, "re");

	if (!f)
		parser_error(p, MQTT_LINE(key), "cannot read %s '%s': %s", key, path,
			     strerror(errno));
	else
		check_service_can_read(p, key, path);
	return f;
}

/* Every certificate in ca_file is PEM, and there is at least one. */
static void check_ca(struct parser *p, const char *path)
{
	FILE *f = open_or_say(p, "ca_file", path);
	STACK_OF(X509_INFO) * infos;
	int certs = 0;

	if (!f)
		return;
	infos = PEM_X509_INFO_read(f, NULL, NULL, NULL);
	fclose(f);
	for (int i = 0; infos && i < sk_X509_INFO_num(infos); i++)
		certs += sk_X509_INFO_value(infos, i)->x509 != NULL;
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	ERR_clear_error();
	if (certs == 0)
		parser_error(p, MQTT_LINE("ca_file"),
			     "ca_file '%s' holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
			     path);
}

static X509 *read_cert(struct parser *p, const char *path)
{
	FILE *f = open_or_say(p, "cert_file", path);
	X509 *cert;

	if (!f)
		return NULL;
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ERR_clear_error();
	if (!cert)
		parser_error(p, MQTT_LINE("cert_file"), "cert_file '%s' holds no PEM certificate",
			     path);
	return cert;
}

static EVP_PKEY *read_key(struct parser *p, const char *path)
{
	FILE *f = open_or_say(p, "key_file", path);
	EVP_PKEY *key;

	if (!f)
		return NULL;
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ERR_clear_error();
	if (!key)
		parser_error(p, MQTT_LINE("key_file"),
			     "key_file '%s' holds no PEM private key (or one with a passphrase)",
			     path);
	return key;
}

static void check_client_pair(struct parser *p, const char *cert_path, const char *key_path)
{
	X509 *cert = read_cert(p, cert_path);
	EVP_PKEY *key = cert ? read_key(p, key_path) : NULL;

	if (cert && key && X509_check_private_key(cert, key) != 1)
		parser_error(p, MQTT_LINE("key_file"),
			     "key_file '%s' is not the key of cert_file '%s'", key_path, cert_path);
	ERR_clear_error();
	EVP_PKEY_free(key);
	X509_free(cert);
}

/* A password others can read is a password others have. */
static void check_password_mode(struct parser *p, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))
		parser_warning(p, MQTT_LINE("password_file"),
			       "password_file '%s' is readable by group or others (mode %04o): "
			       "chmod 0600 it, owned by the user bedroomd runs as",
			       path, (unsigned) (st.st_mode & 07777));
}

static void read_password(struct parser *p, struct config_mqtt *m)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	char *credential = NULL;
	int r;

	if (m->password_file) {
		check_password_mode(p, m->password_file);
		check_service_can_read(p, "password_file", m->password_file);
		r = config_read_secret(m->password_file, &m->password);
		if (r == -ENODATA)
			parser_error(
			    p, MQTT_LINE("password_file"),
			    "password_file '%s' has no password: it goes on its first line",
			    m->password_file);
		else if (r < 0)
			parser_error(p, MQTT_LINE("password_file"),
				     "cannot read password from '%s': %s", m->password_file,
				     strerror(-r));
		return;
	}
	/*
	 * systemd's LoadCredential=mqtt-password:...: only the service can read it.
	 * A user name alone is refused by most brokers as "not authorised", which
	 * does not say that no password went with it: said here, where it looked.
	 */
	if (!m->username)
		return;
	if (!dir || !*dir) {
		parser_warning(p, MQTT_LINE("username"),
			       "no password will be sent for user '%s': no password_file, and "
			       "$CREDENTIALS_DIRECTORY is not set (a credential %s is seen by "
			       "the service only)",
			       m->username, CREDENTIAL_NAME);
		return;
	}
	if (asprintf(&credential, "%s/%s", dir, CREDENTIAL_NAME) < 0)
		return;
	r = config_read_secret(credential, &m->password);
	if (r == -ENOENT)
		parser_warning(p, MQTT_LINE("username"),
			       "no password will be sent for user '%s': no password_file, and no "
			       "'%s'",
			       m->username, credential);
	else if (r < 0)
		parser_error(p, MQTT_LINE("username"), "cannot read the credential '%s': %s",
			     credential, strerror(-r));
	free(credential);
}

void config_mqtt_files_check(struct parser *p)
{
	struct config_mqtt *m = &p->config->mqtt;

	if (m->ca_file)
		check_ca(p, m->ca_file);
	if (m->cert_file && m->key_file && !p->error)
		check_client_pair(p, m->cert_file, m->key_file);
	if (!p->error)
		read_password(p, m);
}
