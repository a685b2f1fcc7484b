#!/bin/sh
# bedroomctl report against a store with four known weeks (made by the daemon's store code,
# with foot-soak answers from before the reminders and a week of reminders sent):
# text, JSON and CSV against golden files, the PDF through pdftotext, reading while a
# writer holds the WAL, and the error exits.
# Usage: test-report.sh BEDROOMCTL MAKE_STORE TESTS_DIR
set -eu
ctl=$1 make_store=$2 dir=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=Europe/Berlin LC_ALL=C.UTF-8
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }
expect_exit() {
	want=$1; shift
	set +e; "$@" >"$tmp/out" 2>"$tmp/err"; got=$?; set -e
	[ "$got" = "$want" ] || fail "'$*' exited $got, not $want: $(cat "$tmp/err")"
}

"$make_store" "$tmp/store"
db=$tmp/store/bedroomd.db
for format in text json csv; do
	"$ctl" report --store "$db" --until 2026-04-05 --format $format >"$tmp/report.$format"
	diff -u "$dir/report.$format" "$tmp/report.$format" || fail "report --format $format"
done
# --output writes the same.
"$ctl" report --store "$db" --until 2026-04-05 --format csv --output "$tmp/out.csv"
cmp -s "$dir/report.csv" "$tmp/out.csv" || fail "report --output"

# One week: the one with five cramps, above three.
"$ctl" report --store "$db" --until 2026-03-22 --days 7 >"$tmp/week.txt"
grep -q '^  week of 2026-03-16   5 cramps  more than 3$' "$tmp/week.txt" || fail "--days 7"
grep -q '^Total: 5 cramps on 5 of 7 nights (left 3, right 1, leg not given 1)$' "$tmp/week.txt" ||
	fail "--days 7 total"
# A partial week at the edge says so.
"$ctl" report --store "$db" --until 2026-03-11 --days 3 >"$tmp/part.txt"
grep -q '(3 of 7 nights in this report)' "$tmp/part.txt" || fail "partial week"

# Nights before the store's first record are unknown, not free of cramps: left out, and said.
# The first record is the night's temperatures and cramp of 8 March; the advisory dated 2 March
# (dated by its cramp, as one entered later from a diary is) is not a record of that night.
"$ctl" report --store "$db" --until 2026-04-05 --days 40 >"$tmp/before.txt"
grep -q '^Cramp report: nights of 2026-03-08 to 2026-04-05 (29 nights, oldest first)$' \
	"$tmp/before.txt" || fail "--days 40 does not start at the first record: $(head -2 "$tmp/before.txt")"
grep -q "^The store's records begin on the night of 2026-03-08: the 11 nights asked for before it are unknown and left out.$" \
	"$tmp/before.txt" || fail "--days 40 does not say the nights before are unknown"
grep -q '^Total: 13 cramps on 12 of 29 nights' "$tmp/before.txt" || fail "--days 40 total"
"$ctl" report --store "$db" --until 2026-04-05 --days 40 --format json |
	grep -q '"nights_asked": 40,' || fail "--days 40 JSON nights_asked"
"$ctl" report --store "$db" --until 2026-04-05 --days 40 --format pdf --output "$tmp/before.pdf"
pdftotext -raw "$tmp/before.pdf" - | tr '\n' ' ' |
	grep -qF "records begin on the night of 2026-03-08: the 11 nights" ||
	fail "the PDF does not say the nights before the records are unknown"
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 (tools/install-deps) is missing" >&2; exit 1; }
# A cramp entered later (bedroomctl cramp --at, from a paper diary) for a night before the
# records: in the report, which starts there; the nights between are no record, not "no cramp".
# The advisory it made is dated with it and does not move where the records begin.
cp "$db" "$tmp/diary.db"
sqlite3 "$tmp/diary.db" "INSERT INTO cramps (id, time, tz_offset_s, recorded, leg, site, source,
	note, count_7d, delivered) VALUES ('diary', $(date -u -d 2026-02-25T02:10:00Z +%s), 3600,
	$(date -u -d 2026-04-05T10:00:00Z +%s), 'left', 'calf', 'bedroomctl', 'from the diary', 1, 1);
	INSERT INTO advisories (id, kind, time, tz_offset_s, message, count) VALUES ('diary-advisory',
	'cramp_frequency', $(date -u -d 2026-02-25T02:10:00Z +%s), 3600, 'from the diary', 4);"
"$ctl" report --store "$tmp/diary.db" --until 2026-04-05 --days 45 >"$tmp/diary.txt"
grep -q '^Cramp report: nights of 2026-02-24 to 2026-04-05 (41 nights' "$tmp/diary.txt" ||
	fail "a cramp before the records does not start the report"
# ... and it says how many of the nights asked for it left out (a user trial: it did not).
grep -qx "The store's records begin on the night of 2026-03-08: of the nights before, only the cramps entered later are known; the report starts at the first of them, on the night of 2026-02-24, and the 4 nights asked for before it are unknown and left out." \
	"$tmp/diary.txt" || fail "a cramp entered later moves where the records begin, or the nights left out are not counted: $(sed -n 2p "$tmp/diary.txt")"
"$ctl" report --store "$tmp/diary.db" --until 2026-04-05 --days 41 | sed -n 2p |
	grep -qx "The store's records begin on the night of 2026-03-08: of the nights before, only the cramps entered later are known." ||
	fail "a report that starts at the cramp entered later says nights were left out"
grep -q '^    03:10  left    calf    room  --.- °C  note: from the diary$' "$tmp/diary.txt" ||
	fail "a cramp before the records is left out"
grep -q '^Wed 2026-02-25 .*no record (before the store.s records)$' "$tmp/diary.txt" &&
	grep -q '^Thu 2026-03-05 .*no record (before the store.s records)$' "$tmp/diary.txt" ||
	fail "a night before the records reads as a night without cramps"
grep -q '^Total: 14 cramps on 13 of 30 nights' "$tmp/diary.txt" ||
	fail "unknown nights are counted as nights: $(grep '^Total' "$tmp/diary.txt")"
"$ctl" report --store "$tmp/diary.db" --until 2026-04-05 --days 45 --format csv |
	grep -c '^2026-02-2[5-8],' | grep -qx 0 || fail "the CSV has rows for unknown nights"
"$ctl" report --store "$tmp/diary.db" --until 2026-04-05 --days 45 --format json |
	grep -q '"recorded": false' || fail "the JSON does not mark unknown nights"
"$ctl" report --store "$tmp/diary.db" --until 2026-04-05 --days 45 --format pdf \
	--output "$tmp/diary.pdf"
pdftotext -raw "$tmp/diary.pdf" - | tr '\n' ' ' >"$tmp/diary-pdf.txt"
grep -qF "Grey: before the store's records" "$tmp/diary-pdf.txt" ||
	fail "the PDF's chart does not mark the nights before the records"
grep -qF "14 cramps on 13 of 30 nights" "$tmp/diary-pdf.txt" ||
	fail "the PDF counts unknown nights as nights: $(grep -o '[0-9]* cramps on [^:]*' "$tmp/diary-pdf.txt")"
pdfinfo "$tmp/diary.pdf" 2>/dev/null | grep -q '^Pages: *1$' || fail "the diary PDF is not one page"
pdftotext -raw "$tmp/before.pdf" - | grep -qF "Grey: before" &&
	fail "the PDF marks unknown nights where the report has none"
# A cramp logged while the clock was not set (a Pi without a real-time clock before NTP,
# 1970), with the room's temperatures and a reminder then: no night is known for them, so the
# records still begin on 8 March, and the cramp is listed apart, in no night or total.
cp "$db" "$tmp/unset.db"
sqlite3 "$tmp/unset.db" "INSERT INTO cramps (id, time, tz_offset_s, recorded, leg, site, source,
	note, room_c, count_7d, delivered) VALUES ('unset', 4000, 0, 4000, 'right', 'calf', 'button',
	'at boot', 17.1, 1, 1);
	INSERT INTO room_temperature (time, tz_offset_s, room_c) VALUES (3900, 0, 17.2);
	INSERT INTO reminder_log (run_id, reminder, record, time, tz_offset_s, slot) VALUES
	('unset', 'stretch', 'sent', 3950, 0, 3950);"
"$ctl" report --store "$tmp/unset.db" --until 2026-04-05 --days 40 >"$tmp/unset.txt"
grep -q '^Cramp report: nights of 2026-03-08 to 2026-04-05 (29 nights' "$tmp/unset.txt" &&
	grep -q '^Total: 13 cramps on 12 of 29 nights' "$tmp/unset.txt" ||
	fail "a record from before the clock was set makes the nights known: $(grep -E '^(Cramp|Total)' "$tmp/unset.txt")"
grep -qx '1 cramp with an unknown date (logged while the clock was not set), in no night or total:' \
	"$tmp/unset.txt" &&
	grep -qx '    right   calf    room  17.1 °C  (the clock read 1970-01-01 01:06)  note: at boot' \
		"$tmp/unset.txt" || fail "a cramp of an unknown date is not listed: $(cat "$tmp/unset.txt")"
"$ctl" report --store "$tmp/unset.db" --until 2026-04-05 --days 40 --format json >"$tmp/unset.json"
grep -A3 '"undated_cramps": \[' "$tmp/unset.json" | grep -qF '"time": "1970-01-01T01:06:40+00:00"' ||
	fail "the JSON does not list a cramp of an unknown date"
grep -q '"records_begin": "2026-03-08"' "$tmp/unset.json" || fail "the JSON's records_begin"
"$ctl" report --store "$tmp/unset.db" --until 2026-04-05 --days 40 --format pdf \
	--output "$tmp/unset.pdf"
pdftotext -raw "$tmp/unset.pdf" - | tr '\n' ' ' | grep -qF "1 with an unknown date" ||
	fail "the PDF does not say a cramp of an unknown date was left out"

# Notes are what anyone who may publish sent: terminal escape sequences ("\u001b" in the
# command's JSON) and a note in Latin-1 (a store written by hand) reach no terminal raw, and
# the JSON keeps the cramp whose note is not UTF-8.
cp "$db" "$tmp/notes.db"
sqlite3 "$tmp/notes.db" "INSERT INTO cramps (id, time, tz_offset_s, recorded, leg, site, source,
	note, count_7d, delivered) VALUES
	('esc', $(date -u -d 2026-04-04T01:10:00Z +%s), 7200, $(date -u -d 2026-04-04T01:10:00Z +%s),
	 'left', 'calf', 'command', CAST(X'1b5d303b6f776e6564071b5b324a' AS TEXT), 1, 1),
	('latin1', $(date -u -d 2026-04-04T02:10:00Z +%s), 7200, $(date -u -d 2026-04-04T02:10:00Z +%s),
	 'right', 'calf', 'command', CAST(X'77e4726d65' || X'9b33316d' AS TEXT), 1, 1);"
for format in text json csv; do
	"$ctl" report --store "$tmp/notes.db" --until 2026-04-05 --days 3 --format $format \
		>"$tmp/notes.$format"
	if LC_ALL=C grep -q "$(printf '[\033\007\233]')" "$tmp/notes.$format"; then
		fail "report --format $format prints a note's control characters raw"
	fi
done
grep -qF '    03:10  left    calf    room  --.- °C  note: \x1b]0;owned\x07\x1b[2J' "$tmp/notes.text" &&
	grep -qF '    04:10  right   calf    room  --.- °C  note: w\xe4rme\x9b31m' "$tmp/notes.text" ||
	fail "the text report does not show the notes escaped: $(cat "$tmp/notes.text")"
grep -qF '"note": "\u001B]0;owned\u0007\u001B[2J"' "$tmp/notes.json" &&
	grep -qF '"note": "w\\xe4rme\\x9b31m"' "$tmp/notes.json" ||
	fail "the JSON report does not escape the notes: $(grep note "$tmp/notes.json")"
grep -qF ',\x1b]0;owned\x07\x1b[2J,' "$tmp/notes.csv" && grep -qF ',w\xe4rme\x9b31m,' "$tmp/notes.csv" ||
	fail "the CSV report does not escape the notes: $(cat "$tmp/notes.csv")"

# A store without any record yet: one night, and why.
cp "$db" "$tmp/empty.db"
sqlite3 "$tmp/empty.db" "DELETE FROM cramps; DELETE FROM advisories; DELETE FROM room_temperature;
	DELETE FROM reminder_log;"
"$ctl" report --store "$tmp/empty.db" --until 2026-04-05 >"$tmp/empty.txt"
grep -q '^Cramp report: nights of 2026-04-05 to 2026-04-05 (1 night, oldest first)$' \
	"$tmp/empty.txt" || fail "an empty store's report is not one night"
grep -q '^The store holds no records yet' "$tmp/empty.txt" || fail "an empty store is not said"
# No night whose foot soak is known: said plainly, not "done on 0 of the 0 nights" (a user trial).
grep -qx 'Foot soak: not known yet for any night of this report' "$tmp/empty.txt" ||
	fail "no night's foot soak known: $(grep '^Foot soak' "$tmp/empty.txt")"
"$ctl" report --store "$tmp/empty.db" --until 2026-04-05 --format json >"$tmp/empty.json"
grep -q '"records_begin": null' "$tmp/empty.json" || fail "an empty store's JSON records_begin"

# A damaged page (the cramps' root) in a store that still opens: said so, exit 65.
cp "$db" "$tmp/damaged.db"
page=$(sqlite3 "$tmp/damaged.db" "SELECT rootpage FROM sqlite_master WHERE name = 'cramps';")
dd if=/dev/zero of="$tmp/damaged.db" bs=4096 seek=$((page - 1)) count=1 conv=notrunc 2>/dev/null
expect_exit 65 "$ctl" report --store "$tmp/damaged.db" --until 2026-04-05
grep -q 'the store is damaged' "$tmp/err" || fail "a damaged store is not said: $(cat "$tmp/err")"

# The nights' lowest is over the configured night: someone who sleeps 09:00 to 16:00 gets the
# 16.0 °C of the 13:00 open window, which 22:00 to 07:00 leaves out.
printf '[heating]\nnight = 09:00-16:00\n' >"$tmp/day-sleeper.conf"
"$ctl" --config "$tmp/day-sleeper.conf" report --store "$db" --until 2026-04-05 --days 3 \
	>"$tmp/day.txt"
[ "$(grep -c 'lowest  16.0 °C' "$tmp/day.txt")" = 3 ] || fail "the configured night window"
# The configuration's warnings are of the broker and the heaters: not said by a report.
printf '[mqtt]\nusername = someone\n[heating]\nnight = 09:00-16:00\n' >"$tmp/warned.conf"
env -u CREDENTIALS_DIRECTORY "$ctl" --config "$tmp/warned.conf" report --store "$db" \
	--until 2026-04-05 --days 3 >/dev/null 2>"$tmp/warned.err"
[ ! -s "$tmp/warned.err" ] || fail "report says the configuration's warnings: $(cat "$tmp/warned.err")"
"$ctl" report --config "$tmp/day-sleeper.conf" --store "$db" --until 2026-04-05 --days 3 \
	--format pdf --output "$tmp/day.pdf"
pdftotext -raw "$tmp/day.pdf" - | grep -qF 'Lowest room temperature each night (09:00 to 16:00)' ||
	fail "the PDF does not name the configured night window"

# A night whose cramps were logged at two offsets (the time zone set that night) lists each
# time with its offset, so the list does not read out of order (trial 7); other nights do not.
cp "$db" "$tmp/tz.db"
sqlite3 "$tmp/tz.db" "INSERT INTO cramps (id, time, tz_offset_s, recorded, leg, site, source,
	count_7d, delivered) VALUES
	('tz-1', $(date -u -d 2026-04-05T00:12:00Z +%s), 7200, $(date -u -d 2026-04-05T00:12:00Z +%s),
	 'left', 'calf', 'command', 1, 1),
	('tz-2', $(date -u -d 2026-04-05T01:19:00Z +%s), -21600, $(date -u -d 2026-04-05T01:19:00Z +%s),
	 'right', 'calf', 'command', 1, 1);"
"$ctl" report --store "$tmp/tz.db" --until 2026-04-05 --days 3 >"$tmp/tz.txt"
grep -q '^    02:12 +02:00  left    calf ' "$tmp/tz.txt" &&
	grep -q '^    19:19 -06:00  right   calf ' "$tmp/tz.txt" ||
	fail "a night of two offsets does not show them: $(cat "$tmp/tz.txt")"
[ "$(grep -c '^    [0-9][0-9]:[0-9][0-9] [+-]' "$tmp/tz.txt")" -le 3 ] ||
	fail "offsets shown on nights of one offset"

# The night floor drawn is the one in force, by the daemon's rule: Home Assistant's 18.7
# while the file still says what it said then (19.0), the file's once it was edited since.
cp "$db" "$tmp/floor.db"
sqlite3 "$tmp/floor.db" "INSERT INTO settings (key, value) VALUES ('floor', '18.7'),
	('floor_file', '19.0');"
printf '[heating]\nfloor = 19\n' >"$tmp/floor19.conf"
printf '[heating]\nfloor = 18.2\n' >"$tmp/floor182.conf"
"$ctl" --config "$tmp/floor19.conf" report --store "$tmp/floor.db" --until 2026-04-05 \
	--format pdf --output "$tmp/floor.pdf"
pdftotext -raw "$tmp/floor.pdf" - | grep -qF 'night floor 18.7 °C (set from Home Assistant)' ||
	fail "the PDF does not draw the floor set from Home Assistant"
"$ctl" --config "$tmp/floor182.conf" report --store "$tmp/floor.db" --until 2026-04-05 \
	--format pdf --output "$tmp/floor.pdf"
pdftotext -raw "$tmp/floor.pdf" - | tr '\n' ' ' | grep -qE 'night floor 18.2 °C( |$)' ||
	fail "the PDF does not draw the file's floor, edited since Home Assistant set one"

# Each count of the reminders is of runs (README): a run snoozed twice then done is one run
# snoozed (the times under its night), one started, skipped and started again one started.
cp "$db" "$tmp/runs.db"
soak=$(date -u -d 2026-04-04T19:30:00Z +%s) soak2=$(date -u -d 2026-04-03T19:30:00Z +%s)
stretch=$(date -u -d 2026-04-04T19:45:00Z +%s)
sqlite3 "$tmp/runs.db" "DELETE FROM reminder_log;
	INSERT INTO reminder_log (run_id, reminder, record, time, tz_offset_s, slot) VALUES
	('s1', 'foot_soak', 'sent', $soak, 7200, $soak),
	('s1', 'foot_soak', 'snoozed', $((soak + 60)), 7200, $soak),
	('t1', 'stretch', 'sent', $stretch, 7200, $stretch),
	('s1', 'foot_soak', 'snoozed', $((soak + 600)), 7200, $soak),
	('t1', 'stretch', 'started', $((stretch + 60)), 7200, $stretch),
	('t1', 'stretch', 'skipped', $((stretch + 120)), 7200, $stretch),
	('s1', 'foot_soak', 'done', $((soak + 1200)), 7200, $soak),
	('t1', 'stretch', 'started', $((stretch + 180)), 7200, $stretch),
	('s0', 'foot_soak', 'sent', $soak2, 7200, $soak2),
	('s0', 'foot_soak', 'snoozed', $((soak2 + 60)), 7200, $soak2),
	('s0', 'foot_soak', 'snoozed', $((soak2 + 600)), 7200, $soak2);"
"$ctl" report --store "$tmp/runs.db" --until 2026-04-05 --days 3 >"$tmp/runs.txt"
grep -qx '  foot_soak     2 nights: sent 2, started 0, done 1, snoozed 2, skipped 0, ignored 0' \
	"$tmp/runs.txt" &&
	grep -qx '  stretch       1 night : sent 1, started 1, done 0, snoozed 0, skipped 1, ignored 0' \
		"$tmp/runs.txt" || fail "the reminders' counts are not of runs: $(cat "$tmp/runs.txt")"
grep -qx '    reminders: foot_soak snoozed 2 times' "$tmp/runs.txt" &&
	grep -qx '    reminders: foot_soak done (snoozed 2), stretch started' "$tmp/runs.txt" ||
	fail "a night's reminders: $(cat "$tmp/runs.txt")"
"$ctl" report --store "$tmp/runs.db" --until 2026-04-05 --days 3 --format csv |
	grep -qF ',"foot_soak done (snoozed 2), stretch started"' ||
	fail "the CSV's reminders: $("$ctl" report --store "$tmp/runs.db" --until 2026-04-05 --days 3 --format csv)"
"$ctl" report --store "$tmp/runs.db" --until 2026-04-05 --days 3 --format pdf --output "$tmp/runs.pdf"
pdftotext -raw "$tmp/runs.pdf" - | tr '\n' ' ' |
	grep -qF "foot_soak: 2 nights; done 1, started 0, skipped 0, ignored 0, snoozed 4 times" ||
	fail "the PDF's reminders: $(pdftotext -raw "$tmp/runs.pdf" - | grep -i soak)"

# The PDF: one page, and the counts are in it.
"$ctl" report --store "$db" --until 2026-04-05 --format pdf --output "$tmp/report.pdf"
pdfinfo "$tmp/report.pdf" 2>/dev/null | grep -q '^Pages: *1$' || fail "PDF is not one page"
pdftotext -raw "$tmp/report.pdf" - | tr '\n' ' ' >"$tmp/pdf.txt"
for want in \
	"Night-time cramps: 9 Mar 2026 to 5 Apr 2026" \
	"12 cramps on 11 of 28 nights: left leg 7, right leg 4, leg not given 1." \
	"Not counted: 1 suspected from movement in bed and never confirmed (drawn as rings)." \
	"2 week of 9 Mar 5 week of 16 Mar 3 week of 23 Mar 2 week of 30 Mar 3 a week" \
	"Done on 13 of the 23 nights where it is known (57 %)" \
	"stretch: 8 nights; done 4, started 0, skipped 1, ignored 2, snoozed 1 time" \
	"Night of 18 Mar, 04:20: Cramps that keep coming back on one side" \
	"Night of 20 Mar, 23:40: Cramps more than three times a week" \
	"Night of 23 Mar, 03:00: Cramps that spread beyond the calf" \
	"bedroomd counts and reports; it does not diagnose."; do
	grep -qF "$want" "$tmp/pdf.txt" || fail "PDF lacks '$want'"
done

# Read-only while a writer holds the database open in WAL mode, in a transaction.
if command -v sqlite3 >/dev/null; then
	(echo "BEGIN IMMEDIATE; INSERT INTO settings (key, value) VALUES ('k', 'v');"; sleep 3) |
		sqlite3 "$db" &
	writer=$!
	sleep 1
	"$ctl" report --store "$db" --until 2026-04-05 --format json >"$tmp/busy.json" ||
		fail "report while the store is being written"
	cmp -s "$dir/report.json" "$tmp/busy.json" || fail "report while written differs"
	wait $writer
fi

# Errors: a missing store, a store of a newer bedroomd, not a database, bad arguments.
expect_exit 66 "$ctl" report --store "$tmp/none.db"
grep -q 'no such store' "$tmp/err" || fail "missing store message"
# The state directory instead of the store in it: the file is named.
expect_exit 66 "$ctl" report --store "$tmp/store"
grep -qF "'$tmp/store' is a directory: --store takes the store file ($tmp/store/bedroomd.db)" \
	"$tmp/err" || fail "--store DIR: $(cat "$tmp/err")"
expect_exit 66 "$ctl" report --store "$tmp/store/"
grep -qF "($tmp/store/bedroomd.db)" "$tmp/err" || fail "--store DIR/: $(cat "$tmp/err")"
"$make_store" "$tmp/newer" 99
expect_exit 65 "$ctl" report --store "$tmp/newer/bedroomd.db"
grep -q 'newer bedroomd' "$tmp/err" || fail "newer schema message"
echo "not a database, not at all, no tables here either......." >"$tmp/junk.db"
expect_exit 65 "$ctl" report --store "$tmp/junk.db"
grep -qF 'the file is damaged or not a bedroomd store (bedroomd moves such a file aside and starts a new one; see "The store" in its README)' \
	"$tmp/err" || fail "not a database: $(cat "$tmp/err")"
# A damaged header (the first page overwritten): the same.
cp "$db" "$tmp/header.db"
dd if=/dev/zero of="$tmp/header.db" bs=100 count=1 conv=notrunc 2>/dev/null
expect_exit 65 "$ctl" report --store "$tmp/header.db"
grep -qF 'the file is damaged or not a bedroomd store' "$tmp/err" ||
	fail "a damaged header: $(cat "$tmp/err")"
# Not allowed to read it (the state directory is the bedroomd user's): said how to, exit 66.
# Run as another user when the test runs as root, who may read anything.
as_user() {
	if [ "$(id -u)" != 0 ]; then
		"$@"
	elif command -v setpriv >/dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		echo "SKIP: no setpriv to drop root" >&2
		return 2
	fi
}
cp "$db" "$tmp/locked.db" && chmod 000 "$tmp/locked.db"
if as_user true 2>/dev/null; then
	expect_exit 66 as_user "$ctl" report --store "$tmp/locked.db"
	grep -qF 'permission denied: run bedroomctl as root or as the bedroomd user' "$tmp/err" ||
		fail "an unreadable store: $(cat "$tmp/err")"
	# A WAL-mode store (a .backup of it is one) readable in a directory this user cannot
	# write: SQLite needs to write beside it, and it says to copy it somewhere writable.
	mkdir "$tmp/ro" && cp "$db" "$tmp/ro/bedroomd.db"
	[ ! -e "$tmp/ro/bedroomd.db-wal" ] && [ "$(sqlite3 "$tmp/ro/bedroomd.db" 'PRAGMA journal_mode;')" = wal ] ||
		fail "the store for the read-only directory is not in WAL mode without its -wal"
	chmod 644 "$tmp/ro/bedroomd.db" && chmod 755 "$tmp/ro" && chmod 711 "$tmp"
	if [ "$(id -u)" != 0 ]; then chmod 555 "$tmp/ro"; fi
	expect_exit 66 as_user "$ctl" report --store "$tmp/ro/bedroomd.db" --until 2026-04-05
	grep -qF 'it needs to write its bedroomd.db-shm beside the file, and this directory is not writable for you; copy the file somewhere writable' \
		"$tmp/err" || fail "a WAL store in a directory not writable: $(cat "$tmp/err")"
	chmod 700 "$tmp" && chmod 755 "$tmp/ro"
fi
expect_exit 64 "$ctl" report --store "$db" --until 2026-02-30
# A night still to come would be listed as free of cramps: refused. Tonight is the last (a
# night runs noon to noon and is named by its evening).
expect_exit 64 "$ctl" report --store "$db" --until "$(date -d tomorrow +%Y-%m-%d)"
grep -q "the night of $(date -d tomorrow +%Y-%m-%d) has not come yet: --until takes tonight or an earlier night" \
	"$tmp/err" || fail "--until tomorrow: $(cat "$tmp/err")"
expect_exit 64 "$ctl" report --store "$db" --until 2099-12-25
if [ "$(date +%H)" -ge 12 ]; then tonight=$(date +%Y-%m-%d); else tonight=$(date -d yesterday +%Y-%m-%d); fi
expect_exit 0 "$ctl" report --store "$db" --until "$tonight"
expect_exit 64 "$ctl" report --store "$db" --days 0
expect_exit 64 "$ctl" report --store "$db" --days 7x
expect_exit 64 "$ctl" report --store "$db" --format html
expect_exit 64 "$ctl" report --store "$db" --format pdf
expect_exit 73 "$ctl" report --store "$db" --format pdf --output "$tmp/no/such/dir/r.pdf"
grep -q 'No such file or directory' "$tmp/err" || fail "the PDF's missing folder: $(cat "$tmp/err")"

exit $failed
