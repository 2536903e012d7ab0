#!/bin/sh
# man-help.sh - the manual pages match the programs: every long option
# that "plumb --help", each "plumb COMMAND --help" and
# "plumb-collector --help" prints appears in the rendered plumb(8) or
# plumb-collector(8), every command of "plumb --help" is described in
# plumb(8), and each page under man/ renders without a warning (groff
# -ww, and mandoc -Tlint -W warning when mandoc is installed);
# plumb-collector(8) names every API route of the collector's route
# tables and every metric /metrics exports.
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed".
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
: "${PLUMB:=$top_builddir/plumb}"
# An agent-only build (configure --disable-collector) has no collector
# to ask; its pages are still checked.
COLLECTOR=$top_builddir/plumb-collector
[ "${PLUMB_WITH_COLLECTOR:-yes}" = no ] && COLLECTOR=
MAN=$top_srcdir/man
LC_ALL=C
export LC_ALL

if ! command -v groff >/dev/null 2>&1; then
	echo "SKIP: groff not installed"
	exit 77
fi
for f in "$PLUMB" ${COLLECTOR:+"$COLLECTOR"}; do
	if [ ! -x "$f" ]; then
		echo "not built: $f"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-man.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
. "$top_srcdir/tests/tap.sh"

# render PAGE: plain ASCII text of a page, no overstrike, no hyphenation
# breaks (a very wide line keeps "--tailoring-file" in one piece).
render() {
	groff -mandoc -Tascii -P-cbou -rLL=300n -rHY=0 "$1" 2>/dev/null
}

# options HELP_FILE: the long options a --help text names, one a line.
options() {
	grep -o -- '--[a-z][a-z0-9-]*' "$1" | sort -u
}

# ---- every page renders without warnings
for page in plumb.8 plumb.conf.5 plumb-collector.8 plumb-collector.conf.5 \
    plumb-pki.8
do
	if [ ! -f "$MAN/$page" ]; then
		not_ok "$page exists"
		continue
	fi
	if groff -mandoc -Tascii -ww -z "$MAN/$page" >"$tmp/groff.err" 2>&1 &&
	    [ ! -s "$tmp/groff.err" ]; then
		ok "$page: groff -ww renders it without warnings"
	else
		not_ok "$page: groff -ww warns: $(head -n 3 "$tmp/groff.err")"
	fi
	if command -v mandoc >/dev/null 2>&1; then
		if mandoc -Tlint -W warning "$MAN/$page" >"$tmp/lint" 2>&1 &&
		    [ ! -s "$tmp/lint" ]; then
			ok "$page: mandoc -Tlint -W warning is silent"
		else
			not_ok "$page: mandoc -Tlint: $(head -n 3 "$tmp/lint")"
		fi
	fi
	render "$MAN/$page" >"$tmp/$page.txt"
	if [ "$(wc -l <"$tmp/$page.txt")" -gt 10 ]; then
		ok "$page: renders to text"
	else
		not_ok "$page: renders to text"
	fi
done

# check_options PAGE LABEL HELP_FILE: each long option of the help text
# occurs in the rendered page, as a whole word.
check_options() {
	n=0
	missing=
	for opt in $(options "$3"); do
		n=$((n + 1))
		if ! grep -q -- "$opt\\([^a-z0-9-]\\|\$\\)" "$tmp/$1.txt"; then
			missing="$missing $opt"
		fi
	done
	if [ "$n" -eq 0 ]; then
		not_ok "$2: --help names no long option (parse error?)"
	elif [ -z "$missing" ]; then
		ok "$2: all $n long options of --help are in $1"
	else
		not_ok "$2: missing from $1:$missing"
	fi
}

# ---- plumb and its commands
"$PLUMB" --help >"$tmp/help" 2>&1 || true
check_options plumb.8 "plumb --help" "$tmp/help"
# The commands: the first word of each line between "Commands:" and the
# next blank line ("oval" of "oval eval": "plumb oval --help" prints the
# usage of "plumb oval eval").
sed -n '/^Commands:/,/^$/p' "$tmp/help" | sed '1d; /^$/d' |
    awk '{ print $1 }' >"$tmp/commands"
if [ "$(wc -l <"$tmp/commands")" -ge 5 ]; then
	ok "plumb --help lists $(wc -l <"$tmp/commands" | tr -d ' ') commands"
else
	not_ok "plumb --help lists commands (got: $(tr '\n' ' ' <"$tmp/commands"))"
fi
while IFS= read -r cmd; do
	[ -n "$cmd" ] || continue
	# shellcheck disable=SC2086
	"$PLUMB" $cmd --help >"$tmp/help.cmd" 2>&1 || true
	if ! grep -q '^usage: plumb' "$tmp/help.cmd"; then
		not_ok "plumb $cmd --help prints a usage line"
		continue
	fi
	if grep -q -- '--[a-z]' "$tmp/help.cmd"; then
		check_options plumb.8 "plumb $cmd --help" "$tmp/help.cmd"
	fi
	if grep -q "^ *plumb $cmd\\( \\|\$\\)" "$tmp/plumb.8.txt"; then
		ok "plumb.8 has a synopsis line for '$cmd'"
	else
		not_ok "plumb.8 has a synopsis line for '$cmd'"
	fi
done <"$tmp/commands"

# ---- plumb-collector
if [ -n "$COLLECTOR" ]; then
	"$COLLECTOR" --help >"$tmp/chelp" 2>&1 || true
	check_options plumb-collector.8 "plumb-collector --help" "$tmp/chelp"
	for cmd in token enroll-token; do
		"$COLLECTOR" "$cmd" --help >"$tmp/chelp" 2>&1 || true
		check_options plumb-collector.8 \
		    "plumb-collector $cmd --help" "$tmp/chelp"
	done
fi

# ---- plumb-collector(8): every route of the route tables (a "*"
# segment is any word in the page: hosts/id/drift) and every metric
# ("# TYPE plumb_..." in the sources)
grep -ho '{ "\(GET\|POST\|DELETE\|PUT\)", "[^"]*"' \
    "$top_srcdir"/collector/*.c | sed 's/.*, "//; s/"$//' | sort -u \
    >"$tmp/routes"
n=0
missing=
while IFS= read -r r; do
	n=$((n + 1))
	re=$(printf '%s' "$r" | sed 's/\./\\./g; s/\*/[A-Za-z]*/g')
	grep -q -- "\(^\|[ ,]\)$re\([ ,?]\|\$\)" \
	    "$tmp/plumb-collector.8.txt" || missing="$missing $r"
done <"$tmp/routes"
if [ "$n" -ge 20 ] && [ -z "$missing" ]; then
	ok "plumb-collector.8 names all $n API routes"
else
	not_ok "plumb-collector.8 names the API routes (n=$n):$missing"
fi
n=0
missing=
for m in $(grep -ho '# TYPE plumb_[a-z_]*' "$top_srcdir"/collector/*.c |
    sed 's/# TYPE //' | sort -u); do
	n=$((n + 1))
	grep -q -- "^ *$m " "$tmp/plumb-collector.8.txt" ||
	    missing="$missing $m"
done
if [ "$n" -ge 8 ] && [ -z "$missing" ]; then
	ok "plumb-collector.8 describes all $n metrics"
else
	not_ok "plumb-collector.8 describes the metrics (n=$n):$missing"
fi

# ---- plumb-pki (a shell script: its options and commands)
sh "$top_srcdir/packaging/plumb-pki" --help >"$tmp/pkihelp" 2>&1 || true
check_options plumb-pki.8 "plumb-pki --help" "$tmp/pkihelp"
for cmd in $(sed -n 's/^  \([a-z-]*\) DIR.*/\1/p' "$tmp/pkihelp"); do
	if grep -q "^ *plumb-pki $cmd " "$tmp/plumb-pki.8.txt"; then
		ok "plumb-pki.8 has a synopsis line for '$cmd'"
	else
		not_ok "plumb-pki.8 has a synopsis line for '$cmd'"
	fi
done

# ---- the configuration pages name every key of the shipped configs
for pair in "agent.conf plumb.conf.5" \
    "plumb-collector.conf plumb-collector.conf.5"; do
	set -- $pair
	missing=
	n=0
	for key in $(sed -n 's/^#\{0,1\}\([a-z_]*\) *=.*/\1/p' \
	    "$top_srcdir/packaging/$1" | sort -u); do
		n=$((n + 1))
		grep -q "^ *$key = " "$tmp/$2.txt" || missing="$missing $key"
	done
	if [ "$n" -gt 5 ] && [ -z "$missing" ]; then
		ok "$2 documents all $n keys of packaging/$1"
	else
		not_ok "$2 documents the keys of packaging/$1 (n=$n):$missing"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
