#!/bin/sh
# The command line contract of plumb: options, --help, exit statuses and
# the stdout lines scripts written for oscap oval eval rely on.
# Environment: PLUMB (the built binary), top_srcdir.  Ends with
# "N passed, N failed"; exits 1 on any failure.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PLUMB:=./plumb}"
fx="$top_srcdir/tests/fixtures/oval"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# expect NAME STATUS GREP_STDOUT GREP_STDERR -- COMMAND...: run COMMAND,
# require exit STATUS and (when not empty) the two patterns.
expect() {
	name=$1 want=$2 out=$3 err=$4
	shift 5
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	ok=yes
	[ "$rc" -eq "$want" ] || { ok=no; echo "  exit $rc, wanted $want"; }
	if [ -n "$out" ] && ! grep -q -- "$out" "$tmp/out"; then
		ok=no
		echo "  stdout lacks: $out"
	fi
	if [ -n "$err" ] && ! grep -q -- "$err" "$tmp/err"; then
		ok=no
		echo "  stderr lacks: $err"
	fi
	if [ "$ok" = yes ]; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		failed=$((failed + 1))
	fi
}

expect "plumb --help" 0 "oval eval" "" -- "$PLUMB" --help
expect "plumb --version" 0 "^plumb [0-9]" "" -- "$PLUMB" --version
expect "plumb without a command" 1 "" "usage" -- "$PLUMB"
expect "unknown command" 1 "" "unknown command 'frobnicate'" -- \
    "$PLUMB" frobnicate
expect "oval eval --help" 0 "--variables FILE" "" -- \
    "$PLUMB" oval eval --help
expect "oval eval without a file" 1 "" "usage" -- "$PLUMB" oval eval
expect "unknown option" 1 "" "usage" -- \
    "$PLUMB" oval eval --bogus "$fx/criteria.xml"
expect "--id of one definition" 0 \
    "^Definition oval:plumb.fixture:def:100: true$" "" -- \
    "$PLUMB" oval eval --id oval:plumb.fixture:def:100 "$fx/criteria.xml"
[ "$(grep -c '^Definition ' "$tmp/out")" -eq 1 ] ||
    { echo "FAIL --id printed more than one definition"; failed=$((failed + 1)); }
# Objects collected together in one shared walk are reported only when
# evaluation needed them.
expect "--id with a shared walk" 0 "^Definition oval:plumb.file:def:17: true$" \
    "" -- "$PLUMB" oval eval --root "$top_srcdir/tests/fixtures/linux/file/root" \
    --id oval:plumb.file:def:17 --results "$tmp/shared.xml" \
    "$top_srcdir/tests/fixtures/linux/file/file.xml"
[ "$(grep -c '<object id=' "$tmp/shared.xml")" -eq 1 ] ||
    { echo "FAIL --id results hold objects it did not need"; failed=$((failed + 1)); }
expect "--id of an unknown definition" 1 "" "no definition oval:x:def:9" -- \
    "$PLUMB" oval eval --id oval:x:def:9 "$fx/criteria.xml"
expect "closing line" 0 "^Evaluation done\.$" "" -- \
    "$PLUMB" oval eval "$fx/tests.xml"
expect "missing variables file" 1 "" "nope.xml" -- \
    "$PLUMB" oval eval --variables "$tmp/nope.xml" "$fx/criteria.xml"
expect "variables file that is not one" 1 "" "not an OVAL variables" -- \
    "$PLUMB" oval eval --variables "$fx/criteria.xml" "$fx/criteria.xml"
expect "results into a missing directory" 1 "" "$tmp/no/dir/r.xml" -- \
    "$PLUMB" oval eval --results "$tmp/no/dir/r.xml" "$fx/criteria.xml"
expect "--root that does not exist still evaluates" 0 "Evaluation done" "" \
    -- "$PLUMB" oval eval --root "$tmp/none" "$fx/tests.xml"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
