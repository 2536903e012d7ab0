#!/bin/sh
# run-oscap.sh - evaluate the plant baseline with oscap on every fixture
# tree and compare each rule result with the hand-worked expectation.
#
# For each ROLE directory under tests/benchmarks holding good/ and bad/
# trees, the tree is copied and prepared (prepare-tree.sh with
# ROLE/TREE.setup), then
#   OSCAP_PROBE_ROOT=COPY oscap xccdf eval \
#       --profile xccdf_org.plumb.content_profile_ROLE --results R DS
# runs, and the rule-result list of R ("rule_id:result", every rule of
# the benchmark, notselected included) must equal ROLE/TREE.expected.
#
# The data stream is $PLANT_DS, else the built
# $top_builddir/benchmarks/plant/plumb-plant-ds.xml, else one assembled
# from the sources into a temporary directory.  Exit 77 (skip) without
# oscap.  Runs from make check (top_srcdir, top_builddir set) or by hand
# from the source tree.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}

if ! command -v oscap >/dev/null 2>&1; then
	echo "run-oscap: oscap not installed, skipping"
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

# Print "rule_id:result" for every rule-result of an XCCDF results file.
rule_results() {
	xmllint --format "$1" | awk '
	/<([a-z0-9-]+:)?rule-result / {
		if (match($0, /idref="[^"]*"/))
			id = substr($0, RSTART + 7, RLENGTH - 8)
	}
	/<([a-z0-9-]+:)?result>/ && id != "" {
		r = $0
		sub(/.*<([a-z0-9-]+:)?result>/, "", r)
		sub(/<.*/, "", r)
		print id ":" r
		id = ""
	}'
}

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
		res=$tmp/results-$role-$tree.xml
		OSCAP_PROBE_ROOT=$root oscap xccdf eval \
		    --profile "xccdf_org.plumb.content_profile_$role" \
		    --results "$res" "$ds" >"$tmp/out-$role-$tree" 2>&1
		rc=$?
		# 0: all passed, 2: some failed; anything else is an error.
		if [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
			echo "FAIL $name: oscap exited $rc"
			sed 's/^/	/' "$tmp/out-$role-$tree"
			fails=$((fails + 1))
			continue
		fi
		rule_results "$res" | sort >"$tmp/got"
		grep -v -e '^#' -e '^[[:space:]]*$' "$exp" | sort >"$tmp/want"
		if [ ! -s "$tmp/want" ]; then
			echo "FAIL $name: $exp lists no rule"
			fails=$((fails + 1))
		elif diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
			echo "ok   $name ($(wc -l <"$tmp/want") rules)"
		else
			echo "FAIL $name: results differ (- expected, + oscap)"
			sed 's/^/	/' "$tmp/diff"
			fails=$((fails + 1))
		fi
	done
done

if [ $runs -eq 0 ]; then
	echo "run-oscap: no fixture trees found under $here"
	exit 1
fi
echo "run-oscap: $runs trees, $fails failed"
[ $fails -eq 0 ]
