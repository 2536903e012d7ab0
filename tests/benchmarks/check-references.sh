#!/bin/sh
# check-references.sh - the plant data stream is well formed, valid and
# mapped to the ISMS control set.
#
# usage: check-references.sh [DS]
#
# DS defaults to $PLANT_DS, else $top_builddir/benchmarks/plant/plumb-plant-ds.xml.
# Fails when
#   - a Rule lacks an ISO/IEC 27001:2022 Annex A reference
#     (href https://www.iso.org/standard/82875.html, A.5.1-A.5.37,
#     A.6.1-A.6.8, A.7.1-A.7.14 or A.8.1-A.8.34) or an IEC 62443-3-3
#     reference (href https://webstore.iec.ch/publication/7033, an SR of
#     FR 1-7 such as "SR 1.1");
#   - any reference under those hrefs, or the NIST CSF 2.0 href
#     https://doi.org/10.6028/NIST.CSWP.29, has a value that is not a
#     control of that framework;
#   - a Rule's OVAL check names a definition the data stream lacks, or
#     exports a Value the benchmark lacks;
#   - the data stream does not validate against the SCAP 1.3 source data
#     stream schema (exit 77, skip, when the schema is not installed).
set -u

ISO=https://www.iso.org/standard/82875.html
IEC=https://webstore.iec.ch/publication/7033
CSF=https://doi.org/10.6028/NIST.CSWP.29
SCHEMA=${SCAP_SDS_SCHEMA:-/usr/share/openscap/schemas/sds/1.3/scap-source-data-stream_1.3.xsd}

top_builddir=${top_builddir:-.}
ds=${1:-${PLANT_DS:-$top_builddir/benchmarks/plant/plumb-plant-ds.xml}}

if ! command -v xmllint >/dev/null 2>&1; then
	echo "check-references: xmllint not installed, skipping"
	exit 77
fi
if [ ! -f "$ds" ]; then
	echo "check-references: no data stream at $ds (run make first)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-refs.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

if ! xmllint --format "$ds" >"$tmp/ds" 2>"$tmp/err"; then
	echo "check-references: $ds is not well formed:"
	cat "$tmp/err"
	exit 1
fi

# One pass over the formatted data stream.  It collects the OVAL
# definition ids and XCCDF Value ids, and for each Rule its references,
# checked definitions and exported values; the END block reports every
# problem, one per line.
awk -v iso="$ISO" -v iec="$IEC" -v csf="$CSF" '
function attr(line, name,   re) {
	re = name "=\"[^\"]*\""
	if (!match(line, re))
		return ""
	return substr(line, RSTART + length(name) + 2,
	    RLENGTH - length(name) - 3)
}
function text(line) {
	sub(/^[^>]*>/, "", line)
	sub(/<.*$/, "", line)
	return line
}
function iso_ok(v,   n) {
	if (v !~ /^A\.[5-8]\.[0-9]+$/)
		return 0
	n = substr(v, 5) + 0
	if (v ~ /^A\.5\./) return n >= 1 && n <= 37
	if (v ~ /^A\.6\./) return n >= 1 && n <= 8
	if (v ~ /^A\.7\./) return n >= 1 && n <= 14
	return n >= 1 && n <= 34
}
function iec_ok(v,   fr, n) {
	if (v !~ /^SR [1-7]\.[0-9]+$/)
		return 0
	fr = substr(v, 4, 1) + 0
	n = substr(v, 6) + 0
	return n >= 1 && n <= max_sr[fr]
}
BEGIN {
	split("14 12 9 3 4 2 8", m, " ")
	for (i = 1; i <= 7; i++)
		max_sr[i] = m[i]
	rules = 0
	bad = 0
}
/<([a-z0-9-]+:)?definition [^>]*id="oval:/ {
	def[attr($0, "id")] = 1
}
/<([a-z0-9-]+:)?Value [^>]*id="/ {
	val[attr($0, "id")] = 1
}
/<([a-z0-9-]+:)?Rule [^>]*id="/ {
	rule = attr($0, "id")
	rules++
	niso[rule] = 0
	niec[rule] = 0
	order[rules] = rule
}
rule != "" && /<([a-z0-9-]+:)?reference [^>]*href="/ {
	h = attr($0, "href")
	v = text($0)
	if (h == iso) {
		if (iso_ok(v)) niso[rule]++
		else problem[++bad] = rule ": not an ISO/IEC 27001:2022 Annex A control: \"" v "\""
	} else if (h == iec) {
		if (iec_ok(v)) niec[rule]++
		else problem[++bad] = rule ": not an IEC 62443-3-3 SR: \"" v "\""
	} else if (h == csf) {
		if (v !~ /^(GV|ID|PR|DE|RS|RC)\.[A-Z][A-Z]-[0-9][0-9]$/)
			problem[++bad] = rule ": not a NIST CSF 2.0 subcategory: \"" v "\""
	}
}
rule != "" && /<([a-z0-9-]+:)?check-content-ref / {
	want_def[rule "\t" attr($0, "name")] = 1
}
rule != "" && /<([a-z0-9-]+:)?check-export / {
	want_val[rule "\t" attr($0, "value-id")] = 1
}
/<\/([a-z0-9-]+:)?Rule>/ {
	rule = ""
}
END {
	if (rules == 0)
		problem[++bad] = "no Rule found"
	for (i = 1; i <= rules; i++) {
		r = order[i]
		if (niso[r] == 0)
			problem[++bad] = r ": no ISO/IEC 27001:2022 Annex A reference"
		if (niec[r] == 0)
			problem[++bad] = r ": no IEC 62443-3-3 reference"
	}
	for (k in want_def) {
		split(k, p, "\t")
		if (!(p[2] in def))
			problem[++bad] = p[1] ": checks missing definition " p[2]
	}
	for (k in want_val) {
		split(k, p, "\t")
		if (!(p[2] in val))
			problem[++bad] = p[1] ": exports missing Value " p[2]
	}
	for (i = 1; i <= bad; i++)
		print problem[i]
	printf "%d rules checked\n", rules >"/dev/stderr"
	exit bad > 0
}' "$tmp/ds" >"$tmp/problems"
status=$?
if [ $status -ne 0 ]; then
	echo "check-references: FAIL"
	sed 's/^/	/' "$tmp/problems"
	exit 1
fi
echo "check-references: every rule has ISO/IEC 27001:2022 and IEC 62443-3-3 references"

# The collector's control set must map every rule of the data stream and
# give a title to every target control it maps onto.
controls=${PLANT_CONTROLS:-${top_srcdir:-.}/benchmarks/controls/isms-controls.ini}
if [ -f "$controls" ]; then
	sed -n 's/.*<\([a-z0-9-]*:\)\{0,1\}Rule [^>]*id="\([^"]*\)".*/\2/p' \
	    "$tmp/ds" >"$tmp/rules"
	awk -v rules="$tmp/rules" '
	BEGIN {
		while ((getline r <rules) > 0)
			want[r] = 1
		bad = 0
	}
	/^\[map rule / {
		r = $0
		sub(/^\[map rule /, "", r)
		sub(/\][ \t]*$/, "", r)
		have[r] = 1
	}
	/^\[control / {
		c = $0
		sub(/^\[control /, "", c)
		sub(/\][ \t]*$/, "", c)
		ctl[c] = 1
	}
	/^(iso27001-2022|csf2|iec62443-3-3)[ \t]*=/ {
		k = $0
		sub(/[ \t]*=.*/, "", k)
		v = $0
		sub(/^[^=]*=[ \t]*/, "", v)
		n = split(v, list, ",")
		for (i = 1; i <= n; i++) {
			c = list[i]
			gsub(/^[ \t]+|[ \t]+$/, "", c)
			use[k " " c] = FILENAME ":" FNR
		}
	}
	END {
		for (r in want)
			if (!(r in have)) {
				print r ": no [map rule] section"
				bad++
			}
		for (c in use)
			if (!(c in ctl)) {
				print use[c] ": no [control " c "] section"
				bad++
			}
		exit bad > 0
	}' "$controls" >"$tmp/problems"
	if [ $? -ne 0 ]; then
		echo "check-references: FAIL: $controls"
		sed 's/^/	/' "$tmp/problems"
		exit 1
	fi
	echo "check-references: $controls maps every rule onto titled controls"
fi

if [ ! -f "$SCHEMA" ]; then
	echo "check-references: $SCHEMA missing, schema validation skipped"
	exit 77
fi
if ! xmllint --noout --schema "$SCHEMA" "$ds" 2>"$tmp/err"; then
	echo "check-references: FAIL: $ds does not validate against $SCHEMA"
	sed 's/^/	/' "$tmp/err" | head -n 20
	exit 1
fi
echo "check-references: $ds validates against the SCAP 1.3 schema"
exit 0
