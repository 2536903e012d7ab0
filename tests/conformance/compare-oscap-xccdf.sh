#!/bin/sh
# compare-oscap-xccdf.sh - evaluate every profile of SCAP source data
# streams with both oscap and plumb on this host, as shipped and with every
# xccdf:platform removed (strip-platforms.xsl, so that every selected rule
# is evaluated), and report per-rule agreement.
#
# usage: tests/conformance/compare-oscap-xccdf.sh [DS ...]
#   PLUMB  the plumb binary (default: ./plumb)
#   OUT    directory for both tools' outputs (default: a temporary one)
#   REUSE_OSCAP=1  keep oscap's outputs already in OUT (same host, same
#          content) and rerun only plumb
#   PROFILES  space-separated profile ids to restrict the run to
#   MODES  "shipped stripped" (default) or one of them
# Default content: ssg-debian11-ds.xml and ssg-ubuntu2204-ds.xml.
# Prints "N of M rules agree (x%)" per (data stream, profile, mode) and each
# differing rule; a rule listed in the XCCDF differences table of
# docs/conformance.md (rows starting "| `xccdf_") counts as documented.
# Exit status: 0 when every difference is documented and each
# (data stream, profile, mode) disagrees on under 1% of its rules, 1
# otherwise, 77 when oscap, xsltproc or the content is missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PLUMB=${PLUMB:-$top/plumb}
SSG=/usr/share/xml/scap/ssg/content
known="$top/docs/conformance.md"
xsl="$here/strip-platforms.xsl"
MODES=${MODES:-shipped stripped}

command -v oscap >/dev/null 2>&1 || { echo "oscap not installed"; exit 77; }
command -v xsltproc >/dev/null 2>&1 || { echo "xsltproc not installed"; exit 77; }
[ -x "$PLUMB" ] || { echo "no plumb binary at $PLUMB (build first)"; exit 1; }
[ $# -gt 0 ] || set -- "$SSG/ssg-debian11-ds.xml" "$SSG/ssg-ubuntu2204-ds.xml"

OUT=${OUT:-$(mktemp -d /tmp/plumb-xcompare.XXXXXX)}
mkdir -p "$OUT"

# Rule ids of the documented differences, one a line.
awk -F'|' '/^\| *`?xccdf_/ { gsub(/[` ]/, "", $2); print $2 }' \
    "$known" 2>/dev/null | LC_ALL=C sort -u >"$OUT/documented"

# "RULE RESULT" lines from --progress output, sorted by rule id.
progress() {
	sed -n 's/^\([^ :][^ :]*\):\([a-z]*\)$/\1 \2/p' | LC_ALL=C sort
}

# Profile ids of a data stream (both tools list them as "Id: ...").
profiles() {
	"$PLUMB" info "$1" 2>/dev/null | sed -n 's/^[[:space:]]*Id: //p' |
	    grep . || oscap info "$1" 2>/dev/null |
	    sed -n 's/^[[:space:]]*Id: //p'
}

status=0
for f in "$@"; do
	[ -r "$f" ] || { echo "missing content $f"; exit 77; }
	b=$(basename "$f" .xml)
	xsltproc "$xsl" "$f" >"$OUT/$b-stripped.xml" ||
	    { echo "xsltproc failed on $f"; exit 1; }
	for p in ${PROFILES:-$(profiles "$f")}; do
		short=${p##*_profile_}
		for mode in $MODES; do
			case $mode in
			shipped) ds=$f ;;
			stripped) ds=$OUT/$b-stripped.xml ;;
			*) echo "unknown mode $mode"; exit 1 ;;
			esac
			t=$OUT/$b.$short.$mode
			if [ "${REUSE_OSCAP:-0}" != 1 ] || [ ! -s "$t.oscap" ]
			then
				oscap xccdf eval --profile "$p" --progress "$ds" \
				    2>"$t.oscap.err" | progress >"$t.oscap"
			fi
			"$PLUMB" xccdf eval --profile "$p" --progress "$ds" \
			    2>"$t.plumb.err" | progress >"$t.plumb"
			LC_ALL=C join -a1 -a2 -e MISSING -o 0,1.2,2.2 \
			    "$t.oscap" "$t.plumb" >"$t.joined"
			total=$(wc -l <"$t.joined")
			diffs=$(awk '$2 != $3' "$t.joined" | wc -l)
			same=$((total - diffs))
			echo "== $b $short $mode: $same of $total rules agree" \
			    "($(awk -v s="$same" -v t="$total" \
			    'BEGIN { printf "%.2f", t ? 100 * s / t : 0 }')%)"
			awk '$2 != $3 { print }' "$t.joined" |
			    while read -r id o r; do
				if grep -qxF -- "$id" "$OUT/documented"; then
					echo "   documented: $id oscap=$o plumb=$r"
				else
					echo "   DIFFERS:    $id oscap=$o plumb=$r"
				fi
			done | tee "$t.diffs"
			grep -q DIFFERS "$t.diffs" && status=1
			# 1% bound: 100 * diffs must stay below total.
			if [ "$total" -eq 0 ] || [ $((100 * diffs)) -ge "$total" ]
			then
				echo "   over the 1% bound (or no rules)"
				status=1
			fi
		done
	done
done
echo "outputs in $OUT"
exit $status
