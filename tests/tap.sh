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
