# tap.sh - the pass/fail helpers of the shell tests, sourced after
# top_srcdir is set: "ok - ..." / "not ok - ..." lines, a count, and
# finish, which exits 0 only when nothing failed.
# shellcheck shell=sh

passed=0
failed=0

ok() {
	passed=$((passed + 1))
	echo "ok - $*"
}

not_ok() {
	failed=$((failed + 1))
	echo "not ok - $*"
}

# check DESCRIPTION COMMAND...: a test that passes when COMMAND does.
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# The summary line; the exit status says whether anything failed.
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# Fixture runners: FIXTURE_ONLY=NAME (set by tests/run) runs the one
# case called NAME.  case_selected NAME: whether NAME is to run.
case_selected() {
	[ -z "${FIXTURE_ONLY:-}" ] || [ "$FIXTURE_ONLY" = "$1" ]
}

# cases_at_least MIN COUNT WHAT: a runner that found fewer cases than
# it should (a directory moved, a glob that matches nothing) fails
# rather than passing with "0 failed"; one named case must be found.
cases_at_least() {
	if [ -n "${FIXTURE_ONLY:-}" ]; then
		[ "$2" -ge 1 ] || not_ok "no $3 case called $FIXTURE_ONLY"
	elif [ "$2" -lt "$1" ]; then
		not_ok "ran $2 $3 cases, expected at least $1"
	fi
}

# tap_tmpdir NAME: $tmp, a private directory removed at exit (made
# writable first: fixture roots copy read-only files).
tap_tmpdir() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 99
	trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
	trap 'exit 1' HUP INT TERM
}

# need_built FILE...: programs of this build the test runs; one missing
# fails the run (a build problem is not a reason to skip).
need_built() {
	for nb_f in "$@"; do
		if [ ! -x "$nb_f" ]; then
			echo "not built: $nb_f"
			echo "0 passed, 1 failed"
			exit 1
		fi
	done
}

# need_plumb: the plumb under test ($PLUMB).
need_plumb() {
	need_built "$PLUMB"
}

# need_tools TOOL...: tools of the host; without one the test is
# skipped (exit 77), saying which.
need_tools() {
	for nt_t in "$@"; do
		if ! command -v "$nt_t" >/dev/null 2>&1; then
			echo "SKIP: $nt_t not installed"
			exit 77
		fi
	done
}
