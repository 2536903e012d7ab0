#!/bin/sh
# valgrind.sh - the main plumb commands under valgrind's memcheck: no
# invalid read or write, no use of uninitialised memory, no leak
# (--leak-check=full; definite and possible leaks are errors).
#
# usage: valgrind.sh [BUILD_DIR]
#
# BUILD_DIR holds a normal (not sanitized) build with plumb and the
# plant data stream built (default: the current directory).  Runs
#   plumb info                     on the plant data stream
#   plumb xccdf eval               the plant data stream, core profile,
#                                  this host (as the README does), with
#                                  --report, --results-arf and --json
#   plumb oval eval                tests/fixtures/oval/tests.xml and
#                                  variables.xml with its variables file,
#                                  --results
# and prints each command's valgrind summary.  Exit 77 when valgrind is
# missing, 1 when any run reports an error.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:-.}" && pwd)
plumb=$build/plumb
ds=$build/benchmarks/plant/plumb-plant-ds.xml

if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind.sh: valgrind not found (apt-get install valgrind)" >&2
	exit 77
fi
for f in "$plumb" "$ds"; do
	if [ ! -f "$f" ]; then
		echo "valgrind.sh: $f missing: build plumb first (make)" >&2
		exit 1
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

fail=0
n=0
# vg OKCODES CMD...: run CMD under memcheck; OKCODES lists the exit
# statuses that are plumb's own (e.g. "0 2" for xccdf eval); valgrind's
# error exit code is 1, which is also plumb's error status: both fail.
vg() {
	ok=$1
	shift
	n=$((n + 1))
	log=$tmp/vg$n.log
	rc=0
	(cd "$tmp" && valgrind --tool=memcheck --error-exitcode=1 \
	    --suppressions="$here/valgrind.supp" \
	    --leak-check=full --show-leak-kinds=definite,possible \
	    --errors-for-leak-kinds=definite,possible --track-origins=yes \
	    --log-file="$log" "$@" >"$tmp/out$n" 2>"$tmp/err$n") || rc=$?
	summary=$(sed -n 's/^==[0-9]*== ERROR SUMMARY: //p' "$log" |
	    tail -n 1)
	leaks=$(sed -n 's/^==[0-9]*== *definitely lost: //p' "$log" |
	    tail -n 1)
	case " $ok " in
	*" $rc "*) status=ok ;;
	*) status="FAIL (exit $rc)"; fail=1 ;;
	esac
	echo "$status: $(echo "$*" | sed "s|$tmp/||g; s|$build/||g; s|$src/||g")"
	echo "    errors: ${summary:-?}; definitely lost: ${leaks:-0 bytes}"
	if [ "$status" != ok ]; then
		grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|[0-9,]+ bytes in)' \
		    "$log" | head -n 20 >&2 || true
		tail -n 5 "$tmp/err$n" >&2
	fi
}

vg 0 "$plumb" info "$ds"
vg "0 2" "$plumb" xccdf eval \
    --profile xccdf_org.plumb.content_profile_core \
    --report "$tmp/report.html" --results-arf "$tmp/arf.xml" \
    --json "$tmp/summary.json" "$ds"
vg 0 "$plumb" oval eval --results "$tmp/tests.results.xml" \
    "$src/tests/fixtures/oval/tests.xml"
vg 0 "$plumb" oval eval \
    --variables "$src/tests/fixtures/oval/variables.vars.xml" \
    --results "$tmp/variables.results.xml" \
    "$src/tests/fixtures/oval/variables.xml"
[ "$fail" -eq 0 ] || { echo "valgrind.sh: memcheck found errors" >&2; exit 1; }
echo "valgrind.sh: $n runs clean"
