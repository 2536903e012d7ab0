#!/bin/sh
# run-plumb.sh - evaluate the plant baseline with plumb on every fixture
# tree and compare each rule result with the hand-worked expectation.
#
# The same trees and expectations as run-oscap.sh.  For each ROLE/TREE:
#   plumb xccdf eval --root COPY \
#       --profile xccdf_org.plumb.content_profile_ROLE --progress DS
# prints "rule_id:result" lines; exit status 0 (no rule failed),
# 2 (some rule failed) or 1 (error).  Rules plumb does not print are
# taken as notselected, so the printed lines plus that default must equal
# ROLE/TREE.expected, and the exit status must agree with it (2 exactly
# when a fail or error is expected).
#
# $PLUMB names the binary (make check sets it), else $top_builddir/plumb.
# The data stream is found as in run-oscap.sh.  Exit 77 (skip) while
# plumb has no "xccdf eval" command.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PLUMB=${PLUMB:-$top_builddir/plumb}

if [ ! -x "$PLUMB" ]; then
	echo "run-plumb: no plumb binary at $PLUMB"
	exit 1
fi
if ! "$PLUMB" xccdf eval --help >/dev/null 2>&1; then
	echo "run-plumb: plumb has no 'xccdf eval' yet, skipping"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

ds=${PLANT_DS:-$top_builddir/benchmarks/plant/plumb-plant-ds.xml}
if [ ! -f "$ds" ]; then
	ds=$tmp/plumb-plant-ds.xml
	sh "$top_srcdir/benchmarks/plant/build-ds.sh" \
	    "$top_srcdir/benchmarks/plant" "$ds" || exit 1
fi

fails=0
runs=0
for dir in "$here"/*/; do
	role=$(basename "$dir")
	for tree in good bad; do
		[ -d "$dir$tree" ] || continue
		exp=$dir$tree.expected
		name=$role/$tree
		runs=$((runs + 1))
		root=$tmp/root-$role-$tree
		if ! sh "$here/prepare-tree.sh" "$dir$tree" "$root" \
		    "$dir$tree.setup"; then
			echo "FAIL $name: cannot prepare the tree"
			fails=$((fails + 1))
			continue
		fi
		"$PLUMB" xccdf eval --root "$root" \
		    --profile "xccdf_org.plumb.content_profile_$role" \
		    --progress "$ds" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		grep -v -e '^#' -e '^[[:space:]]*$' "$exp" |
		    grep -v ':notselected$' | sort >"$tmp/want"
		grep -E '^xccdf_[^:]+:[a-z]+$' "$tmp/out" |
		    grep -v ':notselected$' | sort >"$tmp/got"
		if grep -q -E ':(fail|error)$' "$tmp/want"; then
			want_rc=2
		else
			want_rc=0
		fi
		if [ ! -s "$tmp/want" ]; then
			echo "FAIL $name: $exp selects no rule"
			fails=$((fails + 1))
		elif [ $rc -ne $want_rc ]; then
			echo "FAIL $name: plumb exited $rc, expected $want_rc"
			sed 's/^/	/' "$tmp/err"
			fails=$((fails + 1))
		elif diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
			echo "ok   $name ($(wc -l <"$tmp/want") rules selected)"
		else
			echo "FAIL $name: results differ (- expected, + plumb)"
			sed 's/^/	/' "$tmp/diff"
			fails=$((fails + 1))
		fi
	done
done

if [ $runs -eq 0 ]; then
	echo "run-plumb: no fixture trees found under $here"
	exit 1
fi
echo "run-plumb: $runs trees, $fails failed"
[ $fails -eq 0 ]
