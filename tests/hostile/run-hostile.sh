#!/bin/sh
# Feed "plumb oval eval" hostile and broken documents and check that each
# one is refused cleanly: exit status exactly 1 (no crash: a signal would
# give 128 or more), a message on stderr naming the file with a reason,
# and an answer within HOSTILE_TIMEOUT seconds.  Big inputs are generated
# here at run time into a temporary directory, never committed.
# Environment: PLUMB (the built binary), top_srcdir, HOSTILE_TIMEOUT (10).
# Prints "ok CASE" or "FAIL CASE: why" per case and ends with exactly
# "N passed, N failed"; exits 1 on any failure.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PLUMB:=./plumb}"
: "${HOSTILE_TIMEOUT:=10}"
LC_ALL=C
export LC_ALL

. "$top_srcdir/tests/tap.sh"
tap_tmpdir plumb-hostile
need_plumb
if ! command -v perl >/dev/null 2>&1; then
	echo "perl not found: cannot generate the inputs"
	echo "0 passed, 1 failed"
	exit 1
fi
if command -v timeout >/dev/null 2>&1; then
	run_limited() { timeout -k 2 "$HOSTILE_TIMEOUT" "$@"; }
else
	run_limited() { "$@"; }
fi

# ------------------------------------------------------------ inputs
oval_head='<?xml version="1.0" encoding="UTF-8"?>'

# External entity reading /etc/passwd from the internal subset.
cat >"$tmp/xxe.xml" <<EOF
$oval_head
<!DOCTYPE oval_definitions [
<!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5">
<generator><oval:schema_version>5.11</oval:schema_version></generator>
<definitions><definition id="oval:x:def:1" version="1" class="compliance">
<metadata><title>&xxe;</title><description>d</description></metadata>
<criteria operator="AND"/></definition></definitions>
</oval_definitions>
EOF

# Billion laughs: ten levels of ten-fold expansion.
perl -e '
	print qq{<?xml version="1.0"?>\n<!DOCTYPE lolz [\n};
	print qq{<!ENTITY lol0 "lol">\n};
	for my $i (1 .. 9) {
		print qq{<!ENTITY lol$i "}, ("&lol" . ($i - 1) . ";") x 10,
		    qq{">\n};
	}
	print qq{]>\n<lolz>&lol9;</lolz>\n};
' >"$tmp/laughs.xml" || exit 99

# A 50 MB attribute value.
perl -e 'print qq{<?xml version="1.0"?>\n<oval_definitions a="},
    "x" x (50 * 1000 * 1000), qq{"/>\n}' >"$tmp/bigattr.xml" || exit 99

# 10,000 nested elements.
perl -e 'print qq{<?xml version="1.0"?>\n}, "<a>" x 10000, "</a>" x 10000,
    "\n"' >"$tmp/deep.xml" || exit 99

# Truncated in the middle of a start tag.
cat >"$tmp/truncated.xml" <<EOF
$oval_head
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5">
<generator><schema_version
EOF

printf 'This is a plain text file, not XML at all.\n' >"$tmp/notxml.xml"
: >"$tmp/empty.xml"

# 64 KiB of deterministic pseudo-random bytes.
perl -e 'srand(42); print map { chr(int(rand(256))) } 1 .. 65536' \
    >"$tmp/binary.xml" || exit 99

# Well-formed XML that is not an OVAL definitions document.
cat >"$tmp/notoval.xml" <<EOF
$oval_head
<note xmlns="urn:example:note"><to>operator</to><body>hello</body></note>
EOF

# ------------------------------------------------------------ checks
passed=0
failed=0

# check NAME FILE: run plumb on FILE and judge the outcome.
check() {
	name=$1
	file=$2
	start=$(date +%s)
	run_limited "$PLUMB" oval eval "$file" >"$tmp/out" 2>"$tmp/err"
	st=$?
	elapsed=$(( $(date +%s) - start ))
	why=
	if [ "$st" -ge 124 ] && [ "$st" -le 137 ] && \
	    [ "$elapsed" -ge "$HOSTILE_TIMEOUT" ]; then
		why="no answer within ${HOSTILE_TIMEOUT}s (status $st)"
	elif [ "$st" -ge 128 ]; then
		why="crashed (status $st)"
	elif [ "$st" -ne 1 ]; then
		why="exit status $st, expected 1"
	elif ! grep -F -e "$file" "$tmp/err" >/dev/null; then
		why="stderr does not name the file"
	elif ! grep -F -e "$file" "$tmp/err" | \
	    awk -v f="$file" '{
		i = index($0, f)
		rest = substr($0, i + length(f))
		# a reason after "FILE:" or "FILE:LINE:"
		if (rest ~ /^(:[0-9]+)?: *[A-Za-z]/)
			found = 1
	    } END { exit !found }'; then
		why="stderr gives no reason after the file name"
	elif [ "$elapsed" -gt "$HOSTILE_TIMEOUT" ]; then
		why="took ${elapsed}s"
	fi
	if [ -z "$why" ]; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name: $why"
		sed 's/^/	stderr: /' "$tmp/err" | head -n 5
		failed=$((failed + 1))
	fi
}

check xxe "$tmp/xxe.xml"
check billion-laughs "$tmp/laughs.xml"
check huge-attribute "$tmp/bigattr.xml"
check deep-nesting "$tmp/deep.xml"
check truncated "$tmp/truncated.xml"
check not-xml "$tmp/notxml.xml"
check empty "$tmp/empty.xml"
check binary "$tmp/binary.xml"
check missing "$tmp/missing.xml"
check not-oval "$tmp/notoval.xml"

# The XXE payload must never reach any output.
if [ -r /etc/passwd ]; then
	line=$(head -n 1 /etc/passwd)
	"$PLUMB" oval eval "$tmp/xxe.xml" >"$tmp/out" 2>"$tmp/err"
	if [ -n "$line" ] && cat "$tmp/out" "$tmp/err" | \
	    grep -F -e "$line" >/dev/null; then
		echo "FAIL xxe-leak: /etc/passwd content in the output"
		failed=$((failed + 1))
	else
		echo "ok xxe-leak"
		passed=$((passed + 1))
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
