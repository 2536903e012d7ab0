#!/bin/sh
# Hostile content given whole to both evaluators: every document below
# goes to "plumb oval eval" and to "plumb xccdf eval" (as an OVAL and as
# an XCCDF 1.2 Benchmark root).  Each must be refused cleanly: exit
# status exactly 1, a message on stderr naming the file followed by a
# reason, within HOSTILE_TIMEOUT seconds and within HOSTILE_RSS_KB of
# peak resident memory (measured with /usr/bin/time -f %M).  Inputs are
# generated at run time in a temporary directory.
# Environment: PLUMB, HOSTILE_TIMEOUT (10), HOSTILE_RSS_KB (262144).
# Prints "ok CASE CMD SECONDS KB" or "FAIL ..." per case and ends with
# "N passed, N failed"; exits 1 on any failure, 77 without the tools.
set -u

: "${PLUMB:=./plumb}"
: "${HOSTILE_TIMEOUT:=10}"
: "${HOSTILE_RSS_KB:=262144}"
LC_ALL=C
export LC_ALL

if [ ! -x /usr/bin/time ] || ! command -v perl >/dev/null 2>&1 ||
    ! command -v timeout >/dev/null 2>&1; then
	echo "skip: needs /usr/bin/time, perl and timeout"
	exit 77
fi
if [ ! -x "$PLUMB" ]; then
	echo "plumb binary not found: $PLUMB"
	echo "0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-hostile-content.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

OVAL_NS='xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"'
XCCDF_NS='xmlns="http://checklists.nist.gov/xccdf/1.2"'

# gen KIND ROOT NS OUT: write hostile document KIND with root element ROOT.
gen() {
	perl -e '
	my ($kind, $root, $ns) = @ARGV;
	my $head = qq{<?xml version="1.0" encoding="UTF-8"?>\n};
	if ($kind eq "xxe") {
		print $head, qq{<!DOCTYPE $root [\n},
		    qq{<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n},
		    qq{<$root $ns><title>&xxe;</title></$root>\n};
	} elsif ($kind eq "laughs") {
		print $head, qq{<!DOCTYPE $root [\n<!ENTITY l0 "lol">\n};
		for my $i (1 .. 9) {
			print qq{<!ENTITY l$i "}, ("&l" . ($i - 1) . ";") x 10,
			    qq{">\n};
		}
		print qq{]>\n<$root $ns><title>&l9;</title></$root>\n};
	} elsif ($kind eq "bigattr") {
		print $head, qq{<$root $ns id="}, "x" x (50 * 1000 * 1000),
		    qq{"/>\n};
	} elsif ($kind eq "deep") {
		print $head, qq{<$root $ns>}, "<a>" x 10000, "</a>" x 10000,
		    qq{</$root>\n};
	} elsif ($kind eq "utf8text") {
		print $head, qq{<$root $ns><title>bad \xff\xfe text</title>},
		    qq{</$root>\n};
	} elsif ($kind eq "utf8attr") {
		print $head, qq{<$root $ns id="\xc0\x80"/>\n};
	} elsif ($kind eq "utf8surrogate") {
		# CESU-style encoded surrogate U+D800: not UTF-8.
		print $head, qq{<$root $ns><title>\xed\xa0\x80</title>},
		    qq{</$root>\n};
	} elsif ($kind eq "utf16lie") {
		print qq{<?xml version="1.0" encoding="UTF-16"?>\n<$root $ns/>\n};
	} elsif ($kind eq "wide") {
		# One million empty siblings (4 MB): the DOM costs ~32 bytes
		# of memory per input byte.
		print $head, qq{<$root $ns>}, "<x/>" x 1000000, qq{</$root>\n};
	}
	' "$1" "$2" "$3" >"$4"
}

passed=0
failed=0

# check CASE CMD FILE: CMD is "oval" or "xccdf".
check() {
	name=$1
	cmd=$2
	file=$3
	timeout -k 2 "$HOSTILE_TIMEOUT" /usr/bin/time -o "$tmp/time" \
	    -f '%e %M' "$PLUMB" "$cmd" eval "$file" >"$tmp/out" 2>"$tmp/err"
	st=$?
	# /usr/bin/time reports a signalled child as status 128+N itself.
	secs=$(awk 'END { print $1 }' "$tmp/time" 2>/dev/null)
	kb=$(awk 'END { print $2 }' "$tmp/time" 2>/dev/null)
	why=
	if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
		why="no answer within ${HOSTILE_TIMEOUT}s"
	elif [ "$st" -ge 128 ]; then
		why="crashed (status $st)"
	elif [ "$st" -ne 1 ]; then
		why="exit status $st, expected 1"
	elif ! grep -E -e "^plumb: $file(:[0-9]+)?: *[A-Za-z]" "$tmp/err" \
	    >/dev/null; then
		why="stderr does not say 'plumb: $file: reason'"
	elif [ -z "$kb" ] || [ "$kb" -gt "$HOSTILE_RSS_KB" ]; then
		why="peak RSS ${kb:-?} KB over $HOSTILE_RSS_KB KB"
	fi
	if [ -z "$why" ]; then
		echo "ok $name $cmd ${secs}s ${kb}KB"
		passed=$((passed + 1))
	else
		echo "FAIL $name $cmd: $why"
		sed 's/^/	stderr: /' "$tmp/err" | head -n 5
		failed=$((failed + 1))
	fi
}

for kind in xxe laughs bigattr deep utf8text utf8attr utf8surrogate \
    utf16lie wide; do
	gen "$kind" oval_definitions "$OVAL_NS" "$tmp/$kind-oval.xml" ||
	    exit 99
	gen "$kind" Benchmark "$XCCDF_NS" "$tmp/$kind-xccdf.xml" || exit 99
	for cmd in oval xccdf; do
		check "$kind-oval" "$cmd" "$tmp/$kind-oval.xml"
		check "$kind-xccdf" "$cmd" "$tmp/$kind-xccdf.xml"
	done
done

# The external entity must never be read: no line of /etc/passwd in
# any output of either command.
if [ -r /etc/passwd ] && line=$(head -n 1 /etc/passwd) && [ -n "$line" ]
then
	leak=no
	for cmd in oval xccdf; do
		for f in "$tmp/xxe-oval.xml" "$tmp/xxe-xccdf.xml"; do
			"$PLUMB" "$cmd" eval "$f" >"$tmp/out" 2>"$tmp/err"
			if cat "$tmp/out" "$tmp/err" | grep -F -e "$line" \
			    >/dev/null; then
				leak=yes
			fi
		done
	done
	if [ "$leak" = no ]; then
		echo "ok xxe-leak"
		passed=$((passed + 1))
	else
		echo "FAIL xxe-leak: /etc/passwd content in the output"
		failed=$((failed + 1))
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
