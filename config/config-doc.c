/*
 * The documentation of every key, from the key table: the commented example
 * and the man page. Both say the same things in the same order: a section's
 * help, then each key with its help, the types it applies to and its default.
 */
#include "config/config-doc.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "config/config-keys.h"
#include "config/config-value.h"

#define WIDTH 80

/* The fixed default of @k as the file would spell it. */
static void format_default(const struct key_spec *k, char *buf, size_t size)
{
	int start = (int) k->default_value, end = (int) k->default_end;

	if (k->default_text) {
		snprintf(buf, size, "%s", k->default_text);
		return;
	}
	switch (k->type) {
	case KEY_STRING:
	case KEY_WORD:
	case KEY_NAME:
	case KEY_TOPIC:
	case KEY_PATH:
	case KEY_FILE:
		buf[0] = '\0'; /* a string's default is text */
		break;
	case KEY_INT:
		snprintf(buf, size, "%d", (int) k->default_value);
		break;
	case KEY_BOOL:
		snprintf(buf, size, "%s", k->default_value != 0 ? "yes" : "no");
		break;
	case KEY_DOUBLE:
		snprintf(buf, size, "%g", k->default_value);
		break;
	case KEY_DURATION:
		config_format_duration((unsigned long long) k->default_value, buf, size);
		break;
	case KEY_ENUM:
		snprintf(buf, size, "%s", k->choices[(int) k->default_value]);
		break;
	case KEY_TEMP_OR_OFF:
		if (isnan(k->default_value))
			snprintf(buf, size, "off");
		else
			snprintf(buf, size, "%g", k->default_value);
		break;
	case KEY_TIME_RANGE:
		snprintf(buf, size, "%02d:%02d-%02d:%02d", start / 60, start % 60, end / 60,
			 end % 60);
		break;
	case KEY_TIME_OF_DAY:
		snprintf(buf, size, "%02d:%02d", start / 3600, start / 60 % 60);
		break;
	case KEY_DAYS:
		config_format_days((unsigned) k->default_value, buf, size);
		break;
	}
}

/* What the example shows after "#key = ": the default, or else an example, or nothing. */
static void format_value(const struct key_spec *k, char *buf, size_t size)
{
	if (k->has_default)
		format_default(k, buf, size);
	else
		snprintf(buf, size, "%s", k->example ? k->example : "");
}

static const struct section_spec *section_of(const struct key_spec *k)
{
	return config_section_find(k->section, strlen(k->section));
}

/*
 * The help of @k as the docs say it: "w1: the sensor's id ..." for a key of
 * some types only, then "Default: ..." for a default made from other keys.
 */
static void format_help(const struct key_spec *k, char *buf, size_t size)
{
	const struct section_spec *spec = section_of(k);
	size_t used = 0;

	buf[0] = '\0';
	if (k->types && spec->type_names) {
		for (size_t t = 0; spec->type_names[t] && used < size; t++)
			if (k->types & (1u << t))
				used += (size_t) snprintf(buf + used, size - used, "%s%s",
							  used ? ", " : "", spec->type_names[t]);
		if (used < size)
			used += (size_t) snprintf(buf + used, size - used, ": ");
	}
	if (used < size)
		used += (size_t) snprintf(buf + used, size - used, "%s", k->help);
	/* "The sensor's id" after "w1: " reads "the sensor's id"; "TLS" stays. */
	if (k->types && isupper((unsigned char) k->help[0]) &&
	    !isupper((unsigned char) k->help[1]) && used > strlen(k->help))
		buf[used - strlen(k->help)] = (char) (k->help[0] - 'A' + 'a');
	if (k->default_doc && used < size)
		snprintf(buf + used, size - used, " Default: %s.", k->default_doc);
}

/*
 * Writes @text as lines of at most WIDTH columns, each started with @prefix.
 * For roff, a line that would start with '.' or '\'' (a request) gets "\&".
 */
static void wrap(FILE *f, const char *prefix, const char *text, bool roff)
{
	size_t width = WIDTH - strlen(prefix), col = 0;
	const char *p = text;

	while (*p) {
		size_t word = strcspn(p, " ");

		if (col > 0 && col + 1 + word > width) {
			fputc('\n', f);
			col = 0;
		}
		if (col == 0) {
			fputs(prefix, f);
			if (roff && (*p == '.' || *p == '\''))
				fputs("\\&", f);
		} else {
			fputc(' ', f);
		}
		fwrite(p, 1, word, f);
		col += word + (col > 0);
		p += word;
		p += strspn(p, " ");
	}
	if (col > 0)
		fputc('\n', f);
}

static const char example_intro[] =
    "# bedroomd configuration: /etc/bedroomd/bedroomd.conf\n"
    "#\n"
    "# Every key is shown commented out, with its default (or, where it has none,\n"
    "# an example). Uncomment and change only what you need. Durations need a unit,\n"
    "# ms, s, min, h or d (90s, 5min, 2h; 0 alone needs none); temperatures are in\n"
    "# °C. A bad file is refused at start-up (and on reload, where the running\n"
    "# configuration stays) with \"FILE:LINE: what is wrong\"; check one with\n"
    "#   bedroomd --check-config --config /etc/bedroomd/bedroomd.conf\n"
    "# Reload after editing with: systemctl reload bedroomd\n"
    "# Every key is described in bedroomd.conf(5).\n";

/* The section's further examples, commented out: "#[reminder.magnesium]", "#at = 22:15". */
static void example_sections(FILE *f, const struct section_spec *spec)
{
	const char *p = spec->examples;

	fprintf(f, "\n# More [%s.NAME] sections, for example:\n", spec->kind);
	while (*p) {
		size_t len = strcspn(p, "\n");

		fprintf(f, len ? "#%.*s\n" : "#\n", (int) len, p);
		p += len;
		p += *p == '\n';
	}
}

int config_doc_example(FILE *f)
{
	char help[1024], value[256];

	fputs(example_intro, f);
	for (size_t s = 0; s < config_n_sections; s++) {
		const struct section_spec *spec = &config_sections[s];
		fputc('\n', f);
		if (spec->help) {
			wrap(f, "# ", spec->help, false);
			if (spec->named)
				fputs("#\n", f);
		}
		/* A named section is an example to copy, commented out like its keys. */
		if (spec->named)
			fprintf(f, "#[%s.%s]\n", spec->kind, spec->example);
		else
			fprintf(f, "[%s]\n", spec->kind);
		for (size_t i = 0, n = 0; i < config_n_keys; i++) {
			const struct key_spec *k = &config_keys[i];

			if (strcmp(k->section, spec->kind) != 0)
				continue;
			if (n++ > 0)
				fputc('\n', f);
			format_help(k, help, sizeof(help));
			wrap(f, "# ", help, false);
			format_value(k, value, sizeof(value));
			fprintf(f, "#%s =%s%s\n", k->name, value[0] ? " " : "", value);
		}
		if (spec->examples)
			example_sections(f, spec);
	}
	return ferror(f) ? -EIO : 0;
}

/*
 * Copies @text to @buf for roff: "\e" for '\', "\(de" for '°'; in @code
 * (a name or a value) also "\-" for '-' and "\(dq" for '"'.
 */
static void roff_escape(const char *text, bool code, char *buf, size_t size)
{
	size_t n = 0;

	for (const char *p = text; *p && n + 5 < size; p++) {
		if (*p == '\\') {
			n += (size_t) snprintf(buf + n, size - n, "\\e");
		} else if (code && *p == '"') {
			n += (size_t) snprintf(buf + n, size - n, "\\(dq");
		} else if (code && *p == '-') {
			n += (size_t) snprintf(buf + n, size - n, "\\-");
		} else if (strncmp(p, "°", strlen("°")) == 0) {
			n += (size_t) snprintf(buf + n, size - n, "\\(de");
			p += strlen("°") - 1;
		} else {
			buf[n++] = *p;
		}
	}
	buf[n] = '\0';
}

/* The tag of @k: "\fBkeepalive\fR = \fIinteger\fR (5 to 3600)". */
static void man_tag(FILE *f, const struct key_spec *k)
{
	char name[128], min[32], max[32];

	roff_escape(k->name, true, name, sizeof(name));
	fprintf(f, "\\fB%s\\fR = ", name);
	switch (k->type) {
	case KEY_STRING:
		fputs("\\fItext\\fR", f);
		break;
	case KEY_WORD:
		fputs("\\fItext\\fR (no blanks)", f);
		break;
	case KEY_NAME:
		fputs("\\fIname\\fR (1 to 64 letters, digits, _ or \\-)", f);
		break;
	case KEY_TOPIC:
		fputs("\\fItopic\\fR", f);
		break;
	case KEY_PATH:
		fputs("\\fIpath\\fR", f);
		break;
	case KEY_FILE:
		fputs("\\fIfile\\fR", f);
		break;
	case KEY_INT:
		fprintf(f, "\\fIinteger\\fR (%d to %d)", (int) k->min, (int) k->max);
		break;
	case KEY_BOOL:
		fputs("\\fByes\\fR | \\fBno\\fR", f);
		break;
	case KEY_DOUBLE:
		fprintf(f, "\\fInumber\\fR (%g to %g)", k->min, k->max);
		break;
	case KEY_DURATION:
		config_format_duration((unsigned long long) k->min, min, sizeof(min));
		config_format_duration((unsigned long long) k->max, max, sizeof(max));
		fprintf(f, "\\fIduration\\fR (%s to %s)", min, max);
		break;
	case KEY_ENUM:
		for (size_t i = 0; k->choices[i]; i++) {
			roff_escape(k->choices[i], true, name, sizeof(name));
			fprintf(f, "%s\\fB%s\\fR", i ? " | " : "", name);
		}
		break;
	case KEY_TEMP_OR_OFF:
		fprintf(f, "\\fBoff\\fR | \\fI\\(deC\\fR (%g to %g)", k->min, k->max);
		break;
	case KEY_TIME_RANGE:
		fputs("\\fIHH:MM\\fR\\-\\fIHH:MM\\fR", f);
		break;
	case KEY_TIME_OF_DAY:
		fputs("\\fIHH:MM\\fR[:\\fISS\\fR]", f);
		break;
	case KEY_DAYS:
		fputs("\\fIdays\\fR (\\fBmon\\fR\\-\\fBsun\\fR, \\fBsat,sun\\fR, ...)", f);
		break;
	}
	fputc('\n', f);
}

static void man_key(FILE *f, const struct key_spec *k)
{
	char help[1024], text[1200], value[256], code[320];

	fputs(".TP\n", f);
	man_tag(f, k);
	format_help(k, help, sizeof(help));
	roff_escape(help, false, text, sizeof(text));
	wrap(f, "", text, true);
	format_value(k, value, sizeof(value));
	if (!value[0])
		return;
	roff_escape(value, true, code, sizeof(code));
	/* The value in bold, then a full stop unless it ends with one. */
	fprintf(f, "%s\n.BR \"%s\" %s\n", k->has_default ? "Default:" : "Example:", code,
		value[strlen(value) - 1] == '.' ? "\"\"" : ".");
}

/* The section's further examples, as a literal block. */
static void man_examples(FILE *f, const struct section_spec *spec)
{
	char line[400], code[1200];
	const char *p = spec->examples;

	fputs(".PP\nFor example:\n.PP\n.nf\n.RS 4\n", f);
	while (*p) {
		size_t len = strcspn(p, "\n");

		snprintf(line, sizeof(line), "%.*s", (int) len, p);
		roff_escape(line, false, code, sizeof(code));
		fprintf(f, "%s%s\n", code[0] == '.' || code[0] == '\'' ? "\\&" : "", code);
		p += len;
		p += *p == '\n';
	}
	fputs(".RE\n.fi\n", f);
}

static const char man_intro[] =
    ".SH NAME\n"
    "bedroomd.conf \\- configuration of bedroomd\n"
    ".SH SYNOPSIS\n"
    ".I /etc/bedroomd/bedroomd.conf\n"
    ".SH DESCRIPTION\n"
    ".BR bedroomd (8)\n"
    "reads its configuration from an INI file: sections in brackets, then\n"
    ".IB key \" = \" value\n"
    "lines; lines starting with # or ; are comments.\n"
    "After a value, a ; with a blank before it starts a comment that is dropped, and a #\n"
    "does not: it stays in the value (either is said in the journal after a text value).\n"
    "One pair of quotes (\\(dq or \\(aq) around a whole value is taken off:\n"
    ".B host = \\(dq192.168.1.10\\(dq\n"
    "is the same as\n"
    ".BR \"host = 192.168.1.10\" ;\n"
    "a quote inside a value stays.\n"
    "The sections of one kind each, such as [daemon] and [mqtt], appear at most once\n"
    "(a second one is refused);\n"
    "[sensor.\\fINAME\\fR], [input.\\fINAME\\fR], [heater.\\fINAME\\fR] and\n"
    "[reminder.\\fINAME\\fR] once per thermometer, bed input, heater or reminder, NAME\n"
    "being 1 to 64 letters, digits, _ or \\- (a reminder's: 1 to 32 of a\\-z, 0\\-9 and _).\n"
    "A key that is not set takes its default.\n"
    ".PP\n"
    "Durations take a unit: ms, s (or sec), min (or m), h or d (90s, 5min, 2h);\n"
    "a number without one is refused (snooze = 10 meant as minutes would be seconds),\n"
    "but 0 needs none. Temperatures are in \\(deC. Booleans are yes or no (true, on, 1 or false,\n"
    "off, 0). A key of some types only, such as \\fBdevice\\fR of [sensor.\\fINAME\\fR],\n"
    "says which: \"w1: ...\".\n"
    ".PP\n"
    "A bad file is refused, with\n"
    ".I FILE:LINE: what is wrong\n"
    "and exit status 78, at start-up; on a reload (SIGHUP) the running configuration\n"
    "stays.\n"
    ".B bedroomd \\-\\-check\\-config\n"
    "checks a file,\n"
    ".B bedroomd \\-\\-dump\\-config\n"
    "prints every effective setting.\n";

static const char man_outro[] = ".SH FILES\n"
				".TP\n"
				".I /etc/bedroomd/bedroomd.conf\n"
				"The configuration.\n"
				".TP\n"
				".I /usr/share/doc/bedroomd/examples/bedroomd.conf\n"
				"The commented example: every key with its default.\n"
				".SH SEE ALSO\n"
				".BR bedroomd (8),\n"
				".BR bedroomctl (1)\n";

int config_doc_man(FILE *f, const char *version)
{
	char text[1200];

	fputs(".\\\" Made by tools/config-doc from the key table in config/config-keys.c:\n"
	      ".\\\" change that, then run: cmake --build build --target config-docs\n",
	      f);
	fprintf(f, ".TH BEDROOMD.CONF 5 \"\" \"bedroomd %s\" \"File Formats\"\n", version);
	fputs(".nh\n", f); /* keys and topics break badly */
	fputs(man_intro, f);
	fputs(".SH SECTIONS\n", f);
	for (size_t s = 0; s < config_n_sections; s++) {
		const struct section_spec *spec = &config_sections[s];

		if (spec->named)
			fprintf(f, ".SS [%s.\\fINAME\\fR]\n", spec->kind);
		else
			fprintf(f, ".SS [%s]\n", spec->kind);
		if (spec->help) {
			roff_escape(spec->help, false, text, sizeof(text));
			wrap(f, "", text, true);
		}
		for (size_t i = 0; i < config_n_keys; i++)
			if (strcmp(config_keys[i].section, spec->kind) == 0)
				man_key(f, &config_keys[i]);
		if (spec->examples)
			man_examples(f, spec);
	}
	fputs(man_outro, f);
	return ferror(f) ? -EIO : 0;
}
