#!/bin/sh
# compare-oscap.sh - evaluate SCAP Security Guide OVAL content with both
# oscap and plumb on this host and report per-definition agreement.
#
# usage: tests/conformance/compare-oscap.sh [OVAL_FILE ...]
#   PLUMB  the plumb binary (default: ./plumb)
#   OUT    directory for both tools' outputs (default: a temporary one)
#   REUSE_OSCAP=1  keep oscap's outputs already in OUT (same host, same
#          content) and rerun only plumb
# Default content: ssg-ubuntu2204-oval.xml and ssg-debian11-oval.xml.
# Exit status: 0 when every difference is listed in docs/conformance.md,
# 1 otherwise, 77 when oscap or the content is missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PLUMB=${PLUMB:-$top/plumb}
SSG=/usr/share/xml/scap/ssg/content
known="$top/docs/conformance.md"

command -v oscap >/dev/null 2>&1 || { echo "oscap not installed"; exit 77; }
[ -x "$PLUMB" ] || { echo "no plumb binary at $PLUMB (build first)"; exit 1; }
[ $# -gt 0 ] || set -- "$SSG/ssg-ubuntu2204-oval.xml" "$SSG/ssg-debian11-oval.xml"

# "Definition ID: RESULT" lines as "ID RESULT", the result's spaces as
# "_" ("not applicable" and "not evaluated" stay two results).
defs() {
	sed -n 's/^Definition \([^ ]*\): \(.*\)$/\1 \2/p' |
	    awk '{ id = $1; $1 = ""; sub(/^ /, ""); gsub(/ /, "_");
		print id " " $0 }' | LC_ALL=C sort
}

OUT=${OUT:-$(mktemp -d /tmp/plumb-compare.XXXXXX)}
mkdir -p "$OUT"
status=0
for f in "$@"; do
	[ -r "$f" ] || { echo "missing content $f"; exit 77; }
	b=$(basename "$f" .xml)
	if [ "${REUSE_OSCAP:-0}" != 1 ] || [ ! -s "$OUT/$b.oscap" ]; then
		oscap oval eval --results "$OUT/$b.oscap-results.xml" "$f" \
		    2>"$OUT/$b.oscap.err" | defs >"$OUT/$b.oscap"
	fi
	"$PLUMB" oval eval --results "$OUT/$b.plumb-results.xml" "$f" \
	    2>"$OUT/$b.plumb.err" | defs >"$OUT/$b.plumb"
	LC_ALL=C join -a1 -a2 -e MISSING -o 0,1.2,2.2 "$OUT/$b.oscap" \
	    "$OUT/$b.plumb" >"$OUT/$b.joined"
	total=$(wc -l <"$OUT/$b.joined")
	# Every definition of the file compared, or the run is not a
	# measurement (a tool that stopped early compares fewer).
	want=$(xmllint --xpath "count(//*[local-name()='definition' and \
namespace-uri()='http://oval.mitre.org/XMLSchema/oval-definitions-5'])" \
	    "$f" 2>/dev/null)
	if [ "$total" -ne "$want" ] ||
	    [ "$(wc -l <"$OUT/$b.plumb")" -ne "$want" ] ||
	    [ "$(wc -l <"$OUT/$b.oscap")" -ne "$want" ]; then
		echo "== $b: compared $total definitions (oscap" \
		    "$(wc -l <"$OUT/$b.oscap"), plumb $(wc -l <"$OUT/$b.plumb"))," \
		    "the file has $want"
		status=1
	fi
	diffs=$(awk '$2 != $3' "$OUT/$b.joined" | wc -l)
	same=$((total - diffs))
	echo "== $b: $same of $total definitions agree" \
	    "($(awk -v s="$same" -v t="$total" 'BEGIN { printf "%.2f", t ? 100 * s / t : 0 }')%)"
	awk '$2 != $3 { print }' "$OUT/$b.joined" | while read -r id o p; do
		if grep -q -- "$id" "$known" 2>/dev/null; then
			echo "   documented: $id oscap=$o plumb=$p"
		else
			echo "   DIFFERS:    $id oscap=$o plumb=$p"
		fi
	done | tee "$OUT/$b.diffs"
	grep -q DIFFERS "$OUT/$b.diffs" && status=1
done
echo "outputs in $OUT"
exit $status
