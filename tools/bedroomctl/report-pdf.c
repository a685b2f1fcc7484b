/* The report as one A4 page for a doctor, drawn with cairo. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control/cramp-night.h"
#include "tools/bedroomctl/report.h"

#define PAGE_W 595.28 /* A4 in points */
#define PAGE_H 841.89
#define LEFT   64.0
#define RIGHT  (PAGE_W - 40.0)

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* "5 Jan 2026", or "5 Jan" without the year. */
static void day_label(int64_t night, bool year, char *buf, size_t size)
{
	int y, m, d;

	cramp_night_date(night, &y, &m, &d);
	if (year)
		snprintf(buf, size, "%d %s %d", d, months[m - 1], y);
	else
		snprintf(buf, size, "%d %s", d, months[m - 1]);
}

static void font(cairo_t *cr, double size, bool bold)
{
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

static void rgb(cairo_t *cr, unsigned hex)
{
	cairo_set_source_rgb(cr, (hex >> 16 & 0xff) / 255.0, (hex >> 8 & 0xff) / 255.0,
			     (hex & 0xff) / 255.0);
}

/* Text at (x, y) baseline; @align 0 left, 0.5 centre, 1 right. */
static void text(cairo_t *cr, double x, double y, double align, const char *s)
{
	cairo_text_extents_t e;

	cairo_text_extents(cr, s, &e);
	cairo_move_to(cr, x - align * e.x_advance, y);
	cairo_show_text(cr, s);
}

/* Word-wrapped text from (x, y) within @width; returns the y after the last line. */
static double wrapped(cairo_t *cr, double x, double y, double width, double leading, const char *s)
{
	char line[512] = "", trial[1024];
	const char *p = s;

	while (*p) {
		const char *w = p;
		cairo_text_extents_t e;
		size_t n;

		while (*p && *p != ' ')
			p++;
		n = (size_t) (p - w);
		while (*p == ' ')
			p++;
		snprintf(trial, sizeof(trial), "%s%s%.*s", line, line[0] ? " " : "", (int) n, w);
		cairo_text_extents(cr, trial, &e);
		if (e.x_advance > width && line[0]) {
			text(cr, x, y, 0, line);
			y += leading;
			snprintf(line, sizeof(line), "%.*s", (int) n, w);
		} else if (strlen(trial) < sizeof(line)) {
			memcpy(line, trial, strlen(trial) + 1);
		}
	}
	if (line[0]) {
		text(cr, x, y, 0, line);
		y += leading;
	}
	return y;
}

static unsigned leg_colour(const char *leg)
{
	return strcmp(leg, "left") == 0    ? 0x1f5fa8
	       : strcmp(leg, "right") == 0 ? 0xc8500a
					   : 0x707070;
}

static const char *leg_letter(const char *leg)
{
	return strcmp(leg, "left") == 0 ? "L" : strcmp(leg, "right") == 0 ? "R" : "?";
}

/* The nights chart: lowest temperature per night, cramps as L/R markers. Returns its bottom. */
static double draw_nights(cairo_t *cr, const struct report *r, double top, double floor_c,
			  bool floor_from_ha)
{
	const double plot_top = top + 22, plot_bottom = top + 190, band = 14;
	const double col = (RIGHT - LEFT) / (double) r->n_nights;
	double lo = INFINITY, hi = -INFINITY, markers_top;
	unsigned max_stack = 1;
	char buf[64], title[96];
	bool pen = false, unknown = false;

	for (size_t i = 0; i < r->n_nights; i++) {
		unknown |= r->nights[i].before_records;
		if (!isnan(r->nights[i].min_c)) {
			lo = fmin(lo, r->nights[i].min_c);
			hi = fmax(hi, r->nights[i].min_c);
		}
		if (r->nights[i].n_cramps > max_stack)
			max_stack = (unsigned) r->nights[i].n_cramps;
	}
	if (!isnan(floor_c)) {
		lo = fmin(lo, floor_c);
		hi = fmax(hi, floor_c);
	}
	if (!isfinite(lo)) {
		lo = 15;
		hi = 20;
	}
	lo = floor(lo - 0.5);
	hi = ceil(hi + 0.5);
	markers_top = plot_bottom - band * (max_stack > 3 ? 3 : max_stack) - 4;
#define Y_OF(c) (plot_top + (hi - (c)) / (hi - lo) * (markers_top - 6 - plot_top))

	rgb(cr, 0x000000);
	font(cr, 12, true);
	snprintf(title, sizeof(title),
		 "Lowest room temperature each night (%02d:%02d to %02d:%02d) and the cramps",
		 r->night_start_min / 60, r->night_start_min % 60, r->night_end_min / 60,
		 r->night_end_min % 60);
	text(cr, LEFT - 40, top + 10, 0, title);

	/* A night before the store's records is unknown, not a night without cramps: grey. */
	rgb(cr, 0xe4e4e4);
	for (size_t i = 0; i < r->n_nights; i++)
		if (r->nights[i].before_records)
			cairo_rectangle(cr, LEFT + col * (double) i, plot_top, col,
					plot_bottom - plot_top);
	cairo_fill(cr);

	/* Grid and axis labels, every degree (every two when the range is wide). */
	font(cr, 8, false);
	/* Counted in whole steps: a floating-point loop counter could skip the last line. */
	for (int k = 0; lo + k * (hi - lo > 8 ? 2 : 1) <= hi + 1e-9; k++) {
		double c = lo + k * (hi - lo > 8 ? 2 : 1);

		cairo_set_line_width(cr, 0.4);
		rgb(cr, 0xd8d8d8);
		cairo_move_to(cr, LEFT, Y_OF(c));
		cairo_line_to(cr, RIGHT, Y_OF(c));
		cairo_stroke(cr);
		rgb(cr, 0x404040);
		snprintf(buf, sizeof(buf), "%.0f °C", c);
		text(cr, LEFT - 4, Y_OF(c) + 3, 1, buf);
	}
	if (!isnan(floor_c)) {
		static const double dash[] = { 4, 3 };

		rgb(cr, 0x2e8b57);
		cairo_set_line_width(cr, 1);
		cairo_set_dash(cr, dash, 2, 0);
		cairo_move_to(cr, LEFT, Y_OF(floor_c));
		cairo_line_to(cr, RIGHT, Y_OF(floor_c));
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
		snprintf(buf, sizeof(buf), "night floor %.1f °C%s", floor_c,
			 floor_from_ha ? " (set from Home Assistant)" : "");
		text(cr, RIGHT, Y_OF(floor_c) - 3, 1, buf);
	}

	/* The temperature line, broken where a night has no reading. */
	rgb(cr, 0x303030);
	cairo_set_line_width(cr, 1.5);
	for (size_t i = 0; i < r->n_nights; i++) {
		double x = LEFT + col * ((double) i + 0.5);

		if (isnan(r->nights[i].min_c)) {
			if (pen)
				cairo_stroke(cr);
			pen = false;
			continue;
		}
		if (pen)
			cairo_line_to(cr, x, Y_OF(r->nights[i].min_c));
		else
			cairo_move_to(cr, x, Y_OF(r->nights[i].min_c));
		pen = true;
	}
	if (pen)
		cairo_stroke(cr);
	for (size_t i = 0; i < r->n_nights; i++) {
		if (isnan(r->nights[i].min_c))
			continue;
		cairo_new_path(cr);
		cairo_arc(cr, LEFT + col * ((double) i + 0.5), Y_OF(r->nights[i].min_c), 1.8, 0,
			  2 * M_PI);
		cairo_fill(cr);
	}

	/* Cramps: a lettered disc per cramp, stacked at the bottom of the night's column. */
	font(cr, 7.5, true);
	for (size_t i = 0; i < r->n_nights; i++) {
		const struct report_night *n = &r->nights[i];
		double x = LEFT + col * ((double) i + 0.5);

		for (size_t k = 0; k < n->n_cramps && k < 3; k++) {
			const struct report_cramp *c = &r->cramps[n->first_cramp + k];
			double y = plot_bottom - band * ((double) k + 0.5) - 2;
			const char *letter = k == 2 && n->n_cramps > 3 ? "+" : leg_letter(c->leg);

			rgb(cr, leg_colour(c->leg));
			cairo_new_path(cr);
			cairo_arc(cr, x, y, fmin(col * 0.45, 6), 0, 2 * M_PI);
			if (c->suspected) { /* a ring: from movement, never confirmed */
				cairo_set_line_width(cr, 1);
				cairo_stroke(cr);
			} else {
				cairo_fill(cr);
				rgb(cr, 0xffffff);
			}
			text(cr, x, y + 2.7, 0.5, letter);
		}
	}

	/* Axes and night ticks; a date under every Monday (and the first night). */
	rgb(cr, 0x000000);
	cairo_set_line_width(cr, 0.8);
	cairo_rectangle(cr, LEFT, plot_top, RIGHT - LEFT, plot_bottom - plot_top);
	cairo_stroke(cr);
	font(cr, 7.5, false);
	for (size_t i = 0; i < r->n_nights; i++) {
		int64_t night = r->nights[i].night;
		double x = LEFT + col * ((double) i + 0.5);

		cairo_move_to(cr, x, plot_bottom);
		cairo_line_to(cr, x, plot_bottom + 3);
		cairo_stroke(cr);
		if (cramp_night_weekday(night) == 0 || (i == 0 && r->n_nights <= 62)) {
			if (i == 0 && cramp_night_weekday(night) != 0 && r->n_nights > 1 &&
			    cramp_night_weekday(night) > 4)
				continue; /* a Monday label follows too closely */
			day_label(night, false, buf, sizeof(buf));
			text(cr, x, plot_bottom + 12, 0.5, buf);
		}
	}
	font(cr, 8, false);
	rgb(cr, 0x404040);
	text(cr, LEFT, plot_bottom + 25, 0, "Each night is named by its evening (noon to noon). ");
	rgb(cr, leg_colour("left"));
	text(cr, LEFT + 212, plot_bottom + 25, 0, "L = left leg");
	rgb(cr, leg_colour("right"));
	text(cr, LEFT + 268, plot_bottom + 25, 0, "R = right leg");
	rgb(cr, leg_colour("unknown"));
	text(cr, LEFT + 328, plot_bottom + 25, 0, "? = leg not given");
	rgb(cr, 0x404040);
	text(cr, LEFT + 402, plot_bottom + 25, 0, "+ = more than 3"); /* a night's third disc */
#undef Y_OF
	if (!unknown)
		return plot_bottom + 30;
	text(cr, LEFT, plot_bottom + 36, 0,
	     "Grey: before the store's records, unknown (only cramps entered later).");
	return plot_bottom + 41;
}

/* Weekly counts as bars, with the threshold line at three. Returns the bottom. */
static double draw_weeks(cairo_t *cr, const struct report *r, double top)
{
	static const double dash[] = { 5, 3 };
	const double plot_top = top + 22, plot_bottom = top + 130;
	const double slot = (RIGHT - LEFT) / (double) r->n_weeks;
	unsigned max = REPORT_THRESHOLD + 1;
	char buf[64];

	for (size_t i = 0; i < r->n_weeks; i++)
		if (r->weeks[i].n_cramps > max)
			max = r->weeks[i].n_cramps;
#define Y_OF(n) (plot_bottom - (double) (n) / (double) max * (plot_bottom - plot_top - 12))

	rgb(cr, 0x000000);
	font(cr, 12, true);
	text(cr, LEFT - 40, top + 10, 0,
	     "Cramps per week (more than 3 a week is worth a doctor's "
	     "check)");
	for (size_t i = 0; i < r->n_weeks; i++) {
		const struct report_week *w = &r->weeks[i];
		double bw = fmin(slot * 0.6, 60), x = LEFT + slot * ((double) i + 0.5);

		rgb(cr, w->n_cramps > REPORT_THRESHOLD ? 0xc0392b : 0x7f9cc0);
		cairo_rectangle(cr, x - bw / 2, Y_OF(w->n_cramps), bw,
				plot_bottom - Y_OF(w->n_cramps));
		cairo_fill(cr);
		rgb(cr, 0x000000);
		font(cr, 11, true);
		snprintf(buf, sizeof(buf), "%u", w->n_cramps);
		text(cr, x, Y_OF(w->n_cramps) - 3, 0.5, buf);
		font(cr, 8, false);
		day_label(w->start, false, buf, sizeof(buf));
		{
			char label[80];

			snprintf(label, sizeof(label), "week of %s", buf);
			text(cr, x, plot_bottom + 11, 0.5, label);
		}
		if (w->n_nights < 7) {
			snprintf(buf, sizeof(buf), "(%u of 7 nights)", w->n_nights);
			text(cr, x, plot_bottom + 21, 0.5, buf);
		}
	}
	rgb(cr, 0xc0392b);
	cairo_set_line_width(cr, 1.2);
	cairo_set_dash(cr, dash, 2, 0);
	cairo_move_to(cr, LEFT, Y_OF(REPORT_THRESHOLD));
	cairo_line_to(cr, RIGHT, Y_OF(REPORT_THRESHOLD));
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	font(cr, 8, false);
	text(cr, LEFT - 4, Y_OF(REPORT_THRESHOLD) + 3, 1, "3 a week");
	rgb(cr, 0x000000);
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, LEFT, plot_bottom);
	cairo_line_to(cr, RIGHT, plot_bottom);
	cairo_stroke(cr);
#undef Y_OF
	return plot_bottom + 26;
}

/* Foot-soak adherence: a square per night, aligned with the nights chart. Returns the bottom. */
static double draw_soak(cairo_t *cr, const struct report *r, double top)
{
	const double col = (RIGHT - LEFT) / (double) r->n_nights, side = fmin(col * 0.7, 10);
	char buf[160];

	rgb(cr, 0x000000);
	font(cr, 12, true);
	text(cr, LEFT - 40, top + 10, 0, "Warm foot soak before bed");
	font(cr, 10, false);
	if (r->n_soak_known)
		snprintf(buf, sizeof(buf),
			 "Done on %u of the %u nights where it is known (%.0f %%); "
			 "not known on %zu nights.",
			 r->n_soak_done, r->n_soak_known, 100.0 * r->n_soak_done / r->n_soak_known,
			 r->n_nights - r->n_soak_known);
	else
		snprintf(buf, sizeof(buf), "Not known for any night of this report.");
	text(cr, LEFT - 40, top + 26, 0, buf);
	for (size_t i = 0; i < r->n_nights; i++) {
		double x = LEFT + col * ((double) i + 0.5) - side / 2, y = top + 34;

		cairo_rectangle(cr, x, y, side, side);
		if (r->nights[i].soak_done == 1) {
			rgb(cr, 0x2e8b57);
			cairo_fill(cr);
		} else if (r->nights[i].soak_done == 0) {
			rgb(cr, 0xffffff);
			cairo_fill_preserve(cr);
			rgb(cr, 0x2e8b57);
			cairo_set_line_width(cr, 0.8);
			cairo_stroke(cr);
		} else {
			rgb(cr, 0xe0e0e0);
			cairo_fill(cr);
		}
	}
	font(cr, 8, false);
	rgb(cr, 0x404040);
	text(cr, LEFT, top + 56, 0, "green: done   outlined: not done   grey: not known");
	return top + 62;
}

/* What became of each reminder, a line each (the first four). Returns the bottom. */
static double draw_reminders(cairo_t *cr, const struct report *r, double top)
{
	char buf[200];
	double y = top + 26;

	if (r->n_reminders == 0)
		return top;
	rgb(cr, 0x000000);
	font(cr, 12, true);
	text(cr, LEFT - 40, top + 10, 0, "Reminders");
	font(cr, 10, false);
	for (size_t i = 0; i < r->n_reminders && i < 4; i++) {
		const struct report_adherence *a = &r->reminders[i];

		snprintf(buf, sizeof(buf),
			 "%s: %u night%s; done %u, started %u, skipped %u, ignored %u, snoozed "
			 "%u time%s%s",
			 a->reminder, a->nights, a->nights == 1 ? "" : "s", a->done, a->started,
			 a->skipped, a->ignored, a->snoozes, a->snoozes == 1 ? "" : "s",
			 a->no_cramp + a->cramp_left + a->cramp_right ? "; answered about cramps"
								      : "");
		text(cr, LEFT - 40, y, 0, buf);
		y += 13;
	}
	return y - 7;
}

static void draw_advisories(cairo_t *cr, const struct report *r, double top, double bottom)
{
	double y = top + 26;
	char when[REPORT_TIME_MAX], day[32], buf[96];

	rgb(cr, 0x000000);
	font(cr, 12, true);
	text(cr, LEFT - 40, top + 10, 0, "Advisories bedroomd gave in this time");
	font(cr, 10, false);
	if (r->n_advisories == 0)
		text(cr, LEFT - 40, y, 0, "None.");
	for (size_t i = 0; i < r->n_advisories; i++) {
		const struct report_advisory *a = &r->advisories[i];

		if (y + 38 > bottom) {
			snprintf(buf, sizeof(buf), "... and %zu more: see 'bedroomctl report'.",
				 r->n_advisories - i);
			text(cr, LEFT - 40, y, 0, buf);
			break;
		}
		report_format_time(a->time_s, a->tz_offset_s, when);
		day_label(cramp_night_of(a->time_s, a->tz_offset_s), false, day, sizeof(day));
		snprintf(buf, sizeof(buf), "Night of %s, %.5s:", day, when + 11);
		font(cr, 10, true);
		text(cr, LEFT - 40, y, 0, buf);
		font(cr, 10, false);
		y = wrapped(cr, LEFT - 28, y + 12.5, RIGHT - LEFT + 28, 12.5,
			    a->message ? a->message : a->kind);
		y += 4;
	}
}

/* Where the PDF goes: our own file, so a failure says why (cairo says only "write error"). */
struct pdf_out {
	FILE *f;
	int error; /* the first write's negative errno */
};

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
	struct pdf_out *o = closure;

	if (o->error)
		return CAIRO_STATUS_WRITE_ERROR;
	errno = 0;
	if (fwrite(data, 1, len, o->f) != len) {
		o->error = errno ? -errno : -EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

int report_render_pdf(const struct report *r, const char *path, const char *room_name,
		      double floor_c, bool floor_from_ha)
{
	struct stat st;
	/* Only a file of ours is removed on failure: never a device, nor what a link names. */
	bool regular = lstat(path, &st) < 0 ? errno == ENOENT : S_ISREG(st.st_mode);
	struct pdf_out out = { .f = fopen(path, "we") };
	cairo_surface_t *surface;
	cairo_t *cr;
	char first[32], last[32], buf[320]; /* the coverage line is up to 250 */
	cairo_status_t status;
	double y, dy = 0;

	if (!out.f)
		return -errno;
	surface = cairo_pdf_surface_create_for_stream(write_out, &out, PAGE_W, PAGE_H);
	cr = cairo_create(surface);

	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "Night-time cramps");
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "bedroomctl");
	day_label(r->first_night, true, first, sizeof(first));
	day_label(r->last_night, true, last, sizeof(last));

	rgb(cr, 0x000000);
	font(cr, 18, true);
	snprintf(buf, sizeof(buf), "Night-time cramps: %s to %s", first, last);
	text(cr, LEFT - 40, 50, 0, buf);
	font(cr, 9.5, false);
	rgb(cr, 0x404040);
	snprintf(buf, sizeof(buf), "%zu night%s%s%s%s, from the bedroom log of bedroomd.",
		 r->n_nights, r->n_nights == 1 ? "" : "s", room_name ? " in the room '" : "",
		 room_name ? room_name : "", room_name ? "'" : "");
	text(cr, LEFT - 40, 66, 0, buf);
	report_coverage(r, buf, sizeof(buf));
	if (buf[0]) { /* nights before the records are unknown, not cramp-free */
		font(cr, 8, false);
		/* Wrapped: what follows moves down by the lines past the first. */
		dy = wrapped(cr, LEFT - 40, 77, RIGHT - LEFT + 40, 9.5, buf) - (77 + 9.5);
	}

	rgb(cr, 0x000000);
	font(cr, 11, true);
	snprintf(buf, sizeof(buf),
		 "%zu cramp%s on %u of %zu night%s: left leg %u, right leg %u, "
		 "leg not given %u.",
		 r->n_cramps - r->n_suspected, r->n_cramps - r->n_suspected == 1 ? "" : "s",
		 r->n_nights_with_cramps, (size_t) r->n_nights_known,
		 r->n_nights_known == 1 ? "" : "s", r->n_left, r->n_right, r->n_unknown_leg);
	text(cr, LEFT - 40, 90 + dy, 0, buf);
	/* Not counted: what the movement sensor thought (the person never said), and
	 * cramps of no known night (logged while the clock was not set). */
	if (r->n_suspected || r->n_undated) {
		char suspected[96] = "", undated[128] = "";

		if (r->n_suspected)
			snprintf(suspected, sizeof(suspected),
				 " %u suspected from movement in bed and never confirmed (drawn as "
				 "rings).",
				 r->n_suspected);
		if (r->n_undated)
			snprintf(undated, sizeof(undated),
				 " %zu with an unknown date (logged while the clock was not set: "
				 "see 'bedroomctl report').",
				 r->n_undated);
		font(cr, 8, false);
		snprintf(buf, sizeof(buf), "Not counted:%s%s", suspected, undated);
		text(cr, LEFT - 40, 101 + dy, 0, buf);
	}

	y = draw_nights(cr, r, 105 + dy, floor_c, floor_from_ha);
	y = draw_weeks(cr, r, y + 12);
	y = draw_soak(cr, r, y + 12);
	y = draw_reminders(cr, r, y + 6);
	draw_advisories(cr, r, y + 12, PAGE_H - 50);

	rgb(cr, 0x606060);
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, LEFT - 40, PAGE_H - 38);
	cairo_line_to(cr, RIGHT, PAGE_H - 38);
	cairo_stroke(cr);
	font(cr, 9, false);
	text(cr, PAGE_W / 2, PAGE_H - 26, 0.5,
	     "bedroomd counts and reports; it does not diagnose.");

	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(surface);
	status = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	/* Releases cairo's font caches, so leak checkers see a clean exit. */
	cairo_debug_reset_static_data();
	if (fclose(out.f) != 0 && !out.error)
		out.error = -errno;
	if (!out.error && status != CAIRO_STATUS_SUCCESS)
		out.error = -EIO;
	if (out.error && regular)
		(void) unlink(path); /* no half a report (and never a device) */
	return out.error;
}
