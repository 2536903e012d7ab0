#!/bin/sh
# Run the reference evaluator oscap on every OVAL fixture and report, per
# definition, where its result differs from the hand-computed X.expected.
# Differences documented in docs/conformance.md (table rows starting with
# "| oval:") are listed separately; any other difference is an error.
# Exit: 0 no undocumented difference, 1 undocumented difference, 77 no oscap.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${OSCAP:=oscap}"
LC_ALL=C
export LC_ALL

dir="$top_srcdir/tests/fixtures/oval"
doc="$top_srcdir/docs/conformance.md"

if ! command -v "$OSCAP" >/dev/null 2>&1; then
	echo "oscap not found, skipping"
	exit 77
fi
if [ ! -f "$doc" ]; then
	echo "missing $doc"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-oscap.XXXXXX") || exit 99
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# "ID OSCAP_RESULT" for every documented difference.
awk -F'|' '/^\| *oval:[^ |]*:def:[0-9]+ *\|/ {
	id = $2; res = $3
	gsub(/^ +| +$/, "", id); gsub(/^ +| +$/, "", res)
	print id "\t" res
}' "$doc" | sort >"$tmp/documented"

: >"$tmp/undoc"
: >"$tmp/doc_seen"
: >"$tmp/doc_changed"
defs=0

# compare EXP NAME: oscap's "Definition" lines in $tmp/out against the
# expected file EXP; differences go to the lists above.
compare() {
	# "ID<TAB>RESULT" on both sides.
	sed -n 's/^Definition \([^:]*:[^:]*:def:[0-9]*\): \(.*\)$/\1	\2/p' \
	    "$1" | sort >"$tmp/exp"
	sed -n 's/^Definition \([^:]*:[^:]*:def:[0-9]*\): \(.*\)$/\1	\2/p' \
	    "$tmp/out" | sort >"$tmp/got"
	n=$(wc -l <"$tmp/exp")
	defs=$((defs + n))

	# Definitions whose result differs, or that oscap did not report.
	awk -F'\t' -v file="$2" '
	FNR == NR { got[$1] = $2; next }
	{
		g = ($1 in got) ? got[$1] : "(missing)"
		if (g != $2)
			print $1 "\t" g "\t" $2 "\t" file
	}' "$tmp/got" "$tmp/exp" >"$tmp/diffs"

	while IFS='	' read -r id got want file; do
		docres=$(awk -F'\t' -v id="$id" '$1 == id { print $2 }' \
		    "$tmp/documented")
		if [ -z "$docres" ]; then
			printf '%s: %s oscap=%s expected=%s\n' \
			    "$file" "$id" "$got" "$want" >>"$tmp/undoc"
		elif [ "$docres" = "$got" ]; then
			printf '%s: %s oscap=%s expected=%s\n' \
			    "$file" "$id" "$got" "$want" >>"$tmp/doc_seen"
		else
			printf '%s: %s oscap=%s (documented %s) expected=%s\n' \
			    "$file" "$id" "$got" "$docres" "$want" \
			    >>"$tmp/doc_changed"
		fi
	done <"$tmp/diffs"
}

for xml in "$dir"/*.xml; do
	[ -f "$xml" ] || continue
	base=${xml%.xml}
	exp="$base.expected"
	[ -f "$exp" ] || continue
	name=${xml#"$top_srcdir"/}

	set --
	if [ -f "$base.vars.xml" ]; then
		set -- --variables "$base.vars.xml"
	fi
	"$OSCAP" oval eval "$@" "$xml" >"$tmp/out" 2>"$tmp/err"
	compare "$exp" "$name"
done

# Linux probe fixtures that opt in with a compare-oscap file (others use
# probes oscap cannot run against a copied root): oscap reads the same
# copy of P/root with OSCAP_PROBE_ROOT.
ldir="$top_srcdir/tests/fixtures/linux"
for mark in "$ldir"/*/compare-oscap; do
	[ -f "$mark" ] || continue
	p=$(basename "$(dirname "$mark")")
	xml="$ldir/$p/$p.xml"
	sh "$ldir/mkroot.sh" "$ldir/$p" "$tmp/root" || exit 1
	OSCAP_PROBE_ROOT=$tmp/root "$OSCAP" oval eval "$xml" >"$tmp/out" \
	    2>"$tmp/err"
	compare "$ldir/$p/$p.expected" "${xml#"$top_srcdir"/}"
done

echo "$defs definitions compared with $("$OSCAP" --version 2>/dev/null | head -n 1)"
echo
echo "Documented differences (docs/conformance.md):"
if [ -s "$tmp/doc_seen" ]; then
	sed 's/^/  /' "$tmp/doc_seen"
else
	echo "  none"
fi

# A documented difference that oscap no longer shows is worth a look.
cut -f1 "$tmp/documented" | while read -r id; do
	grep -q " $id " "$tmp/doc_seen" "$tmp/doc_changed" 2>/dev/null ||
	    echo "  note: $id is documented but oscap now agrees (or it is gone)"
done

status=0
if [ -s "$tmp/doc_changed" ]; then
	echo
	echo "Documented differences where oscap now answers otherwise:"
	sed 's/^/  /' "$tmp/doc_changed"
	status=1
fi
echo
echo "Undocumented differences:"
if [ -s "$tmp/undoc" ]; then
	sed 's/^/  /' "$tmp/undoc"
	status=1
else
	echo "  none"
fi
exit $status
