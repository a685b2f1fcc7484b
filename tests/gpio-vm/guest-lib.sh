# guest-lib.sh: helpers for /payload/guest-test scripts in the gpio-vm guest.
# Source it (busybox sh): . /payload/guest-lib.sh
#
# gpio-sim chips
#   sim_chip_create LABEL NUM_LINES [OFFSET:NAME ...]
#       make a live gpio-sim chip whose bank has label LABEL and NUM_LINES
#       lines, naming the given offsets; e.g.
#       sim_chip_create bedroom-test 8 0:MAT 1:VIBRATION 2:BTN_LEFT 3:BTN_RIGHT
#   sim_chip_dev LABEL       -> /dev/gpiochipN
#   sim_chip_name LABEL      -> gpiochipN
#   sim_chip_sysfs LABEL     -> /sys/devices/platform/gpio-sim.M/gpiochipN
#   sim_chip_remove LABEL    take the chip down again (lines must be released)
# lines (NAME is a line name given to sim_chip_create, or LABEL:OFFSET)
#   sim_line_offset NAME     -> offset
#   sim_line_dir NAME        -> .../gpiochipN/sim_gpioK (has pull and value)
#   sim_line_pull NAME pull-up|pull-down    drive an input from the "outside"
#   sim_line_set NAME 0|1    same as pull-down / pull-up
#   sim_line_value NAME      -> 0 or 1: the line's value (what an output
#                               drives, or the pull of an unrequested input)
#   sim_line_glitch NAME COUNT   COUNT fast up/down pulses (ends where it began)
# TAP-like results (each check prints "ok N - DESC" or "not ok N - DESC")
#   diag MSG...                    "# MSG"
#   pass DESC / fail DESC [WHY]
#   check DESC COMMAND [ARGS...]   ok if COMMAND succeeds
#   check_eq DESC EXPECTED ACTUAL
#   check_match DESC REGEX TEXT    (grep -E)
#   wait_for SECONDS COMMAND [ARGS...]   retry every 0.1 s until it succeeds
#   done_testing    prints "1..N" and "GPIO-VM-RESULT: PASS" or "... FAIL";
#                   returns 0 on PASS, 1 on FAIL
# shellcheck shell=sh

GPIO_SIM_CONFIGFS=${GPIO_SIM_CONFIGFS:-/sys/kernel/config/gpio-sim}
_tap_n=0
_tap_failed=0

diag() {
	echo "# $*"
}

pass() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1"
}

fail() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $1"
	[ $# -gt 1 ] && diag "  $2"
	return 0
}

check() {
	_desc=$1
	shift
	if "$@"; then
		pass "$_desc"
	else
		fail "$_desc" "command failed: $*"
	fi
}

check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected '$2', got '$3'"
	fi
}

check_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		pass "$1"
	else
		fail "$1" "'$3' does not match /$2/"
	fi
}

wait_for() {
	_wf_left=$(($1 * 10))
	shift
	until "$@"; do
		[ "$_wf_left" -le 0 ] && return 1
		_wf_left=$((_wf_left - 1))
		sleep 0.1
	done
}

done_testing() {
	echo "1..$_tap_n"
	if [ "$_tap_n" -eq 0 ]; then
		echo "GPIO-VM-RESULT: FAIL no checks ran"
		return 1
	fi
	if [ "$_tap_failed" -ne 0 ]; then
		echo "GPIO-VM-RESULT: FAIL $_tap_failed of $_tap_n checks failed"
		return 1
	fi
	echo "GPIO-VM-RESULT: PASS $_tap_n checks"
	return 0
}

# ----------------------------------------------------------------- gpio-sim
_sim_dir() {
	# configfs directory of the chip with this label
	echo "$GPIO_SIM_CONFIGFS/$(echo "$1" | tr -c 'A-Za-z0-9_.\n-' '_')"
}

sim_chip_create() {
	if [ $# -lt 2 ]; then
		echo "sim_chip_create: usage: LABEL NUM_LINES [OFFSET:NAME ...]" >&2
		return 2
	fi
	_label=$1
	_nlines=$2
	shift 2
	_d=$(_sim_dir "$_label")
	mkdir "$_d" || return 1
	mkdir "$_d/bank0" || return 1
	echo "$_label" >"$_d/bank0/label" || return 1
	echo "$_nlines" >"$_d/bank0/num_lines" || return 1
	for _spec in "$@"; do
		_off=${_spec%%:*}
		_name=${_spec#*:}
		mkdir -p "$_d/bank0/line$_off" || return 1
		echo "$_name" >"$_d/bank0/line$_off/name" || return 1
	done
	echo 1 >"$_d/live" || return 1
	_cn=$(cat "$_d/bank0/chip_name")
	if [ -z "$_cn" ] || ! wait_for 5 test -c "/dev/$_cn"; then
		echo "sim_chip_create: /dev/$_cn did not appear" >&2
		return 1
	fi
}

sim_chip_name() {
	cat "$(_sim_dir "$1")/bank0/chip_name"
}

sim_chip_dev() {
	echo "/dev/$(sim_chip_name "$1")"
}

sim_chip_sysfs() {
	_d=$(_sim_dir "$1")
	echo "/sys/devices/platform/$(cat "$_d/dev_name")/$(cat "$_d/bank0/chip_name")"
}

sim_chip_remove() {
	_d=$(_sim_dir "$1")
	echo 0 >"$_d/live" || return 1
	for _l in "$_d"/bank0/line*; do
		[ -d "$_l" ] && rmdir "$_l"
	done
	rmdir "$_d/bank0" "$_d"
}

# _sim_find NAME: sets _sim_chipdir (configfs) and _sim_off
_sim_find() {
	case $1 in
	*:[0-9]*)
		_sim_chipdir=$(_sim_dir "${1%:*}")
		_sim_off=${1##*:}
		[ -d "$_sim_chipdir" ] && return 0
		;;
	esac
	for _n in "$GPIO_SIM_CONFIGFS"/*/bank0/line*/name; do
		[ -f "$_n" ] || continue
		if [ "$(cat "$_n")" = "$1" ]; then
			_l=${_n%/name}
			_sim_off=${_l##*/line}
			_sim_chipdir=${_l%/bank0/*}
			return 0
		fi
	done
	echo "gpio-sim: no line named '$1'" >&2
	return 1
}

sim_line_offset() {
	_sim_find "$1" || return 1
	echo "$_sim_off"
}

sim_line_dir() {
	_sim_find "$1" || return 1
	echo "/sys/devices/platform/$(cat "$_sim_chipdir/dev_name")/$(cat "$_sim_chipdir/bank0/chip_name")/sim_gpio$_sim_off"
}

sim_line_pull() {
	case $2 in
	pull-up | pull-down) ;;
	*)
		echo "sim_line_pull: $2: expected pull-up or pull-down" >&2
		return 2
		;;
	esac
	_ld=$(sim_line_dir "$1") || return 1
	echo "$2" >"$_ld/pull"
}

sim_line_set() {
	case $2 in
	1) sim_line_pull "$1" pull-up ;;
	0) sim_line_pull "$1" pull-down ;;
	*)
		echo "sim_line_set: $2: expected 0 or 1" >&2
		return 2
		;;
	esac
}

sim_line_value() {
	_ld=$(sim_line_dir "$1") || return 1
	cat "$_ld/value"
}

sim_line_glitch() {
	_ld=$(sim_line_dir "$1") || return 1
	_cnt=$2
	if [ "$(cat "$_ld/pull")" = pull-up ]; then
		_a=pull-down _b=pull-up
	else
		_a=pull-up _b=pull-down
	fi
	# one open file, so that each pulse costs two write()s and nothing more
	exec 9>"$_ld/pull" || return 1
	while [ "$_cnt" -gt 0 ]; do
		echo "$_a" >&9
		echo "$_b" >&9
		_cnt=$((_cnt - 1))
	done
	exec 9>&-
}
