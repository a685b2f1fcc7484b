#!/bin/sh
# bedroomctl's arguments: usage, version, the options refused, the cramp command's message
# (--dry-run), the refusals (exit 64), a bad configuration (78) and a broker that is not there
# or whose name does not resolve (69).
# Usage: test-arguments.sh BEDROOMCTL TESTS_DIR
set -eu
ctl=$1
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

cat >"$tmp/conf" <<CONF
[daemon]
node_id = testroom
state_dir = $tmp/state
[mqtt]
host = 127.0.0.1
port = 1
CONF
c="--config $tmp/conf"

expect_exit 0 "$ctl" --help
grep -q '^Exit status:' "$tmp/out" || fail "--help has no exit statuses"
expect_exit 0 "$ctl" --version
grep -q '^bedroomctl [0-9]' "$tmp/out" || fail "--version"
expect_exit 64 "$ctl"
expect_exit 64 "$ctl" frobnicate
# What getopt refuses is said in one line, named as typed, then where help is (a user trial
# found "status: unrecognized option" as if status were a program, then a second line).
expect_refusal() {
	said=$1; shift
	expect_exit 64 "$@"
	printf "%s\nTry 'bedroomctl --help'.\n" "$said" | cmp -s - "$tmp/err" ||
		fail "'$*' said: $(cat "$tmp/err")"
}
expect_refusal "bedroomctl: unrecognized option '--bogus'" "$ctl" --bogus report
expect_refusal "bedroomctl: option requires an argument -- 'c'" "$ctl" -c
for command in cramp report status ha-remove; do
	expect_refusal "bedroomctl $command: unrecognized option '--bogus'" \
		"$ctl" -c "$tmp/conf" $command --bogus
	expect_refusal "bedroomctl $command: invalid option -- 'x'" "$ctl" $command -x
	expect_refusal "bedroomctl $command: option requires an argument -- 'c'" "$ctl" $command -c
done
expect_refusal "bedroomctl cramp: option '--leg' requires an argument" "$ctl" $c cramp --leg
expect_refusal "bedroomctl report: option '--days' requires an argument" "$ctl" $c report --days
expect_refusal "bedroomctl status: option '--json' doesn't allow an argument" \
	"$ctl" $c status --json=yes

# The message sent on <base>/cramp.
expect_exit 0 "$ctl" $c cramp --leg left --site thigh --note 'after a long walk' --at -20min --dry-run
want=$(date -d '-20 min' +%Y-%m-%dT%H:%M)
grep -q "^bedroomd/testroom/cramp {\"leg\":\"left\",\"site\":\"thigh\",\"time\":\"$want:[0-9][0-9][+-][0-9][0-9]:[0-9][0-9]\",\"note\":\"after a long walk\",\"source\":\"bedroomctl\"}$" "$tmp/out" ||
	fail "cramp payload: $(cat "$tmp/out")"
expect_exit 0 "$ctl" $c cramp --dry-run
grep -q '{"leg":"unknown","time":"[^"]*","source":"bedroomctl"}$' "$tmp/out" ||
	fail "bare cramp payload: $(cat "$tmp/out")"
# "03:10": the most recent past 03:10.
expect_exit 0 "$ctl" $c cramp --at 03:10 --dry-run
if [ "$(date +%H%M)" -ge 0310 ]; then day=$(date +%Y-%m-%d); else day=$(date -d yesterday +%Y-%m-%d); fi
grep -q "\"time\":\"${day}T03:10:00+0[12]:00\"" "$tmp/out" || fail "--at 03:10: $(cat "$tmp/out")"
# "-2d": two days (of 24 hours) ago; beyond 30 days is refused as too old, not as a bad time.
expect_exit 0 "$ctl" $c cramp --at -2d --dry-run
want=$(date -d "@$(($(date +%s) - 2 * 86400))" +%Y-%m-%dT%H:%M)
grep -q "\"time\":\"$want:" "$tmp/out" || fail "--at -2d: $(cat "$tmp/out")"
expect_exit 64 "$ctl" $c cramp --at -31d
grep -q "the time '-31d' is more than 30 days ago" "$tmp/err" || fail "--at -31d: $(cat "$tmp/err")"
yesterday=$(date -d yesterday +%Y-%m-%d)
expect_exit 0 "$ctl" $c cramp --leg right --at "${yesterday}T23:05" --dry-run
grep -q "\"leg\":\"right\",\"time\":\"${yesterday}T23:05:00+0[12]:00\"" "$tmp/out" ||
	fail "--at ISO: $(cat "$tmp/out")"
# Leg and site in any case, as the daemon takes them, sent as it keeps them.
expect_exit 0 "$ctl" $c cramp --leg LEFT --site Calf --dry-run
grep -q '{"leg":"left","site":"calf","time":' "$tmp/out" || fail "--leg LEFT: $(cat "$tmp/out")"

# Refusals.
expect_exit 64 "$ctl" $c cramp --leg middle
grep -q "unknown leg 'middle'" "$tmp/err" || fail "leg message"
expect_exit 64 "$ctl" $c cramp --leg unknown
expect_exit 64 "$ctl" $c cramp --site knee
expect_exit 64 "$ctl" $c cramp --at 2026-02-30T03:10
grep -q "bad time '2026-02-30T03:10'" "$tmp/err" || fail "time message"
# 02:30 on the night summer time began never was in Europe/Berlin (the tests' TZ): said so.
expect_exit 64 "$ctl" $c cramp --at 2026-03-29T02:30
grep -qF "the time '2026-03-29T02:30' was skipped by the clock change" "$tmp/err" ||
	fail "a skipped time: $(cat "$tmp/err")"
expect_exit 64 "$ctl" $c cramp --at 25:00
expect_exit 64 "$ctl" $c cramp --at 3:10
expect_exit 64 "$ctl" $c cramp --at -5parsecs
expect_exit 64 "$ctl" $c cramp --at yesterday
expect_exit 64 "$ctl" $c cramp --at "$(date -d tomorrow +%Y-%m-%d)T03:10"
expect_exit 64 "$ctl" $c cramp --at 2020-01-01T03:10
expect_exit 64 "$ctl" $c cramp --note "$(head -c 201 /dev/zero | tr '\0' x)"
expect_exit 64 "$ctl" $c cramp extra

# A bad or missing configuration, and a broker that is not there.
expect_exit 78 "$ctl" --config "$tmp/none.conf" cramp
expect_exit 78 "$ctl" --config "$tmp/none.conf" status
# -c as bedroomd takes it, before or after the command.
expect_exit 78 "$ctl" -c "$tmp/none.conf" status
grep -q "none.conf: cannot read configuration" "$tmp/err" || fail "-c: $(cat "$tmp/err")"
expect_exit 78 "$ctl" status -c "$tmp/none.conf"
expect_exit 69 "$ctl" $c cramp --leg left
grep -q 'the cramp is not logged' "$tmp/err" || fail "broker away message: $(cat "$tmp/err")"
# ... and how to log it at its own time once the broker is back, on a line of its own.
grep -Eq "^  bedroomctl -c $tmp/conf cramp --at [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2} --leg left$" \
	"$tmp/err" || fail "broker away hint: $(cat "$tmp/err")"
# Every option given is in it, quoted so that it pastes back into a shell (a user trial
# found the note and -c left out): run as printed, with --dry-run, it sends the same cramp.
note="it's \"bad\" \$HOME \\ \`x\`  twice"
expect_exit 69 "$ctl" $c cramp --leg right --site calf --note "$note" --at -5min
again=$(sed -n 's/^  bedroomctl //p' "$tmp/err")
[ -n "$again" ] || fail "no command to run again: $(cat "$tmp/err")"
eval "set -- $again"
expect_exit 0 "$ctl" "$@" --dry-run
want=$(date -d '-5 min' +%Y-%m-%dT%H:%M)
grep -qF "{\"leg\":\"right\",\"site\":\"calf\",\"time\":\"$want:" "$tmp/out" ||
	fail "the command again, leg, site and time: $again: $(cat "$tmp/out")"
grep -qF "\"note\":\"it's \\\"bad\\\" \$HOME \\\\ \`x\`  twice\"" "$tmp/out" ||
	fail "the command again, its note: $again: $(cat "$tmp/out")"
expect_exit 69 "$ctl" $c status
# A host name that never resolves (RFC 6761) says so, as the daemon does.
sed 's/^host = .*/host = nosuchhost.invalid/' "$tmp/conf" >"$tmp/unresolved.conf"
for command in cramp status; do
	expect_exit 69 "$ctl" --config "$tmp/unresolved.conf" $command
	grep -q '^bedroomctl: nosuchhost.invalid:1: cannot resolve the host name' "$tmp/err" ||
		fail "$command, unresolved host: $(cat "$tmp/err")"
done

exit $failed
