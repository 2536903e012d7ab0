#!/bin/sh
# Hostile systems under --root: patterns that backtrack catastrophically,
# symbolic link loops, a 10 GB sparse file, files that change or vanish
# while plumb scans, a /proc that lies (FIFOs, devices, garbage, a huge
# mount table) and an object asking for more items than the item cap.
# Each case checks the exit status, the time (HOSTILE_TIMEOUT), the peak
# resident memory (/usr/bin/time -f %M, HOSTILE_RSS_KB) and the flag,
# message or result plumb reports, worked out by hand below.
# Environment: PLUMB, HOSTILE_TIMEOUT (20), HOSTILE_RSS_KB (262144).
# Prints "ok CASE SECONDS KB" or "FAIL CASE: why"; ends with "N passed,
# N failed"; exits 1 on any failure, 77 without the tools it needs.
set -u

: "${PLUMB:=./plumb}"
: "${HOSTILE_TIMEOUT:=20}"
: "${HOSTILE_RSS_KB:=262144}"
LC_ALL=C
export LC_ALL

for t in perl timeout truncate mkfifo; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "skip: $t not found"
		exit 77
	fi
done
if [ ! -x /usr/bin/time ]; then
	echo "skip: /usr/bin/time not found"
	exit 77
fi
if [ ! -x "$PLUMB" ]; then
	echo "plumb binary not found: $PLUMB"
	echo "0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-hostile-probes.XXXXXX") || exit 99
churn_pid=
trap '[ -n "$churn_pid" ] && kill "$churn_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

passed=0
failed=0

ok() {
	echo "ok $1 ${secs}s ${kb}KB"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL $1: $2"
	sed 's/^/	stderr: /' "$tmp/err" 2>/dev/null | head -n 5
	failed=$((failed + 1))
}

# doc FILE OBJECT-XML [STATE-XML]: one definition, one test (its type
# taken from the object element) on that object, with the state if any.
doc() {
	perl -e '
	my ($obj, $ste) = @ARGV;
	my ($pfx, $type) = $obj =~ /^<(\w+):(\w+)_object/ or die "object";
	my $sref = $ste ne "" ? qq{<$pfx:state state_ref="oval:h:ste:1"/>}
	    : "";
	print qq{<?xml version="1.0" encoding="UTF-8"?>\n},
	    qq{<oval_definitions },
	    qq{xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" },
	    qq{xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" },
	    qq{xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent" },
	    qq{xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix" },
	    qq{xmlns:linux="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux">\n},
	    qq{<generator><oval:schema_version>5.11.1</oval:schema_version>},
	    qq{<oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>\n},
	    qq{<definitions><definition id="oval:h:def:1" version="1" },
	    qq{class="compliance"><metadata><title>t</title><description>d},
	    qq{</description></metadata><criteria><criterion },
	    qq{test_ref="oval:h:tst:1"/></criteria></definition></definitions>\n},
	    qq{<tests><$pfx:${type}_test id="oval:h:tst:1" version="1" },
	    qq{check="all" check_existence="at_least_one_exists" comment="c">},
	    qq{<$pfx:object object_ref="oval:h:obj:1"/>$sref</$pfx:${type}_test>},
	    qq{</tests>\n<objects>$obj</objects>\n},
	    ($ste ne "" ? qq{<states>$ste</states>\n} : ""),
	    qq{</oval_definitions>\n};
	' "$2" "${3:-}" >"$1"
}

# run NAME ROOT DOC: plumb oval eval under ROOT, results in $tmp/res.xml;
# sets st, secs, kb; 0 when it exited 0 in time and memory, else fails
# NAME and returns 1.
run() {
	rm -f "$tmp/res.xml"
	timeout -k 2 "$HOSTILE_TIMEOUT" /usr/bin/time -o "$tmp/time" \
	    -f '%e %M' "$PLUMB" oval eval --root "$2" --results "$tmp/res.xml" \
	    "$3" >"$tmp/out" 2>"$tmp/err"
	st=$?
	secs=$(awk 'END { print $1 }' "$tmp/time" 2>/dev/null)
	kb=$(awk 'END { print $2 }' "$tmp/time" 2>/dev/null)
	if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
		fail "$1" "no answer within ${HOSTILE_TIMEOUT}s"
		return 1
	fi
	if [ "$st" -ne 0 ]; then
		fail "$1" "exit status $st, expected 0"
		return 1
	fi
	if [ -z "$kb" ] || [ "$kb" -gt "$HOSTILE_RSS_KB" ]; then
		fail "$1" "peak RSS ${kb:-?} KB over $HOSTILE_RSS_KB KB"
		return 1
	fi
	return 0
}

# The result printed for the definition, and the collected object's
# flag and message, from the results file.
result() { sed -n 's/^Definition oval:h:def:1: //p' "$tmp/out"; }
objflag() {
	perl -ne 'print "$1\n" if /<object id="oval:h:obj:1" [^>]*flag="([^"]*)"/' \
	    "$tmp/res.xml"
}
has() { grep -F -e "$1" "$tmp/res.xml" >/dev/null; }
nitems() {
	perl -ne '$n += () = /<reference item_ref=/g; END { print $n + 0, "\n" }' \
	    "$tmp/res.xml"
}

# -------------------------------------------- catastrophic backtracking
# (a+)+$ against 40 a's and a '!' needs about 2^40 steps unbounded;
# the PCRE2 match limit (1,000,000) must stop it with an error.
mkdir -p "$tmp/re/etc" "$tmp/re/d" || exit 99
perl -e 'print "a" x 40, "!\n"' >"$tmp/re/etc/evil" || exit 99
: >"$tmp/re/d/$(perl -e 'print "a" x 40, "!"')" || exit 99

doc "$tmp/re-object.xml" '<ind:textfilecontent54_object id="oval:h:obj:1" version="1"><ind:filepath>/etc/evil</ind:filepath><ind:pattern operation="pattern match">(a+)+$</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>'
if run regex-object "$tmp/re" "$tmp/re-object.xml"; then
	if [ "$(result)" != error ] || [ "$(objflag)" != error ] ||
	    ! has "/etc/evil: pattern '(a+)+\$': match limit exceeded"; then
		fail regex-object "want result error, flag error and the match limit message; got $(result) $(objflag)"
	else
		ok regex-object
	fi
fi

doc "$tmp/re-state.xml" '<ind:textfilecontent54_object id="oval:h:obj:1" version="1"><ind:filepath>/etc/evil</ind:filepath><ind:pattern operation="pattern match">^(.*)$</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>' \
    '<ind:textfilecontent54_state id="oval:h:ste:1" version="1"><ind:subexpression operation="pattern match">(a+)+$</ind:subexpression></ind:textfilecontent54_state>'
if run regex-state "$tmp/re" "$tmp/re-state.xml"; then
	if [ "$(result)" != error ] || [ "$(objflag)" != complete ] ||
	    ! has "<message level=\"error\">state of test oval:h:tst:1: pattern match: '(a+)+\$': match limit exceeded</message>"; then
		fail regex-state "want result error with the state's match limit message; got $(result) $(objflag)"
	else
		ok regex-state
	fi
fi

# The same pattern as a file name: the walk's pruning and the match
# both stay within the limits.
doc "$tmp/re-path.xml" '<unix:file_object id="oval:h:obj:1" version="1"><unix:path>/d</unix:path><unix:filename operation="pattern match">^(a+)+$</unix:filename></unix:file_object>'
if run regex-filename "$tmp/re" "$tmp/re-path.xml"; then
	if [ "$(result)" != error ] || [ "$(objflag)" != error ] ||
	    ! has "match limit exceeded"; then
		fail regex-filename "want result error, flag error and the match limit message; got $(result) $(objflag)"
	else
		ok regex-filename
	fi
fi

# ------------------------------------------------------ symlink loops
# /d holds f, a -> b, b -> a, up -> .. and top -> /; walked down with
# "symlinks and directories", unlimited depth.  Expected items, by hand:
# /d/f, /d/a, /d/b, /d/up, /d/top (the links themselves, as files) and
# nothing more: up and top lead back to directories already on the path
# (/ and /d), which a walk must never enter twice.
mkdir -p "$tmp/loop/d" || exit 99
: >"$tmp/loop/d/f"
ln -s b "$tmp/loop/d/a" && ln -s a "$tmp/loop/d/b" &&
    ln -s .. "$tmp/loop/d/up" && ln -s / "$tmp/loop/d/top" || exit 99
doc "$tmp/loop.xml" '<unix:file_object id="oval:h:obj:1" version="1"><unix:behaviors recurse="symlinks and directories" recurse_direction="down" max_depth="-1"/><unix:path>/d</unix:path><unix:filename operation="pattern match">.*</unix:filename></unix:file_object>'
if run symlink-loops "$tmp/loop" "$tmp/loop.xml"; then
	got=$(perl -ne 'print "$1\n" while /<unix-sys:filepath>([^<]*)</g' \
	    "$tmp/res.xml" | sort | tr '\n' ' ')
	want="/d/a /d/b /d/f /d/top /d/up "
	if [ "$(result)" != true ] || [ "$got" != "$want" ]; then
		fail symlink-loops "want true and '$want'; got $(result) '$got'"
	else
		ok symlink-loops
	fi
fi

# ----------------------------------------------- 10 GB sparse file
# textfilecontent54 reads at most 64 MiB of a file (TFC_FILE_CAP): the
# object is flagged incomplete with a message, no item (only zeros).
mkdir -p "$tmp/sparse/big" || exit 99
if truncate -s 10G "$tmp/sparse/big/sparse" 2>/dev/null; then
	doc "$tmp/sparse.xml" '<ind:textfilecontent54_object id="oval:h:obj:1" version="1"><ind:filepath>/big/sparse</ind:filepath><ind:pattern operation="pattern match">x</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>'
	if run sparse-10G "$tmp/sparse" "$tmp/sparse.xml"; then
		if [ "$(objflag)" != incomplete ] ||
		    ! has "/big/sparse: only the first 67108864 bytes were searched" ||
		    [ "$(result)" != unknown ]; then
			fail sparse-10G "want flag incomplete with the 64 MiB message and result unknown; got $(result) $(objflag)"
		else
			ok sparse-10G
		fi
	fi
	rm -f "$tmp/sparse/big/sparse"
else
	echo "note: cannot make a 10 GB sparse file here; sparse-10G not run"
fi

# ------------------------------------------------- a /proc that lies
# FIFOs (an open would block), /dev/zero links (a read never ends),
# garbage, and a mount table of 1 GB (sparse, no newline).
L=$tmp/lie
mkdir -p "$L/proc/sys/kernel" "$L/proc/100" "$L/proc/200" "$L/proc/300" ||
    exit 99
mkfifo "$L/proc/sys/kernel/fifo" "$L/proc/100/stat" "$L/proc/stat" \
    "$L/proc/mounts" || exit 99
ln -s /dev/zero "$L/proc/sys/kernel/zero" &&
    ln -s /dev/zero "$L/proc/200/stat" &&
    ln -s /dev/zero "$L/proc/200/cmdline" || exit 99
printf 'garbage\0\377\n' >"$L/proc/sys/kernel/hostname"
printf '300 (x) R ) ) ) 99999999999999999999999 -1 x\n' >"$L/proc/300/stat"
printf '\377\0junk' >"$L/proc/300/cmdline"
perl -e 'print "Uid:\t", "9" x 70000, "\n"' >"$L/proc/300/status"

doc "$tmp/sysctl.xml" '<unix:sysctl_object id="oval:h:obj:1" version="1"><unix:name operation="pattern match">.*</unix:name></unix:sysctl_object>'
# Only kernel.hostname is a regular file: one item.
if run proc-sysctl "$L" "$tmp/sysctl.xml"; then
	if [ "$(objflag)" != complete ] || [ "$(nitems)" -ne 1 ]; then
		fail proc-sysctl "want 1 item (kernel.hostname); got $(objflag) $(nitems)"
	else
		ok proc-sysctl
	fi
fi

doc "$tmp/proc.xml" '<unix:process58_object id="oval:h:obj:1" version="1"><unix:command_line operation="pattern match">.*</unix:command_line><unix:pid datatype="int" operation="greater than">0</unix:pid></unix:process58_object>'
# 100 (FIFO stat), 200 (device stat) and 300 (garbage stat) are not
# processes plumb can read: left out, so the object does not exist.
if run proc-process58 "$L" "$tmp/proc.xml"; then
	if [ "$(objflag)" != "does not exist" ] || [ "$(result)" != false ]
	then
		fail proc-process58 "want flag 'does not exist', result false; got $(result) $(objflag)"
	else
		ok proc-process58
	fi
fi

doc "$tmp/part.xml" '<linux:partition_object id="oval:h:obj:1" version="1"><linux:mount_point operation="pattern match">.*</linux:mount_point></linux:partition_object>'
if run proc-mounts-fifo "$L" "$tmp/part.xml"; then
	if [ "$(objflag)" != error ] ||
	    ! has "$L/proc/mounts: not a regular file"; then
		fail proc-mounts-fifo "want flag error 'not a regular file'; got $(objflag)"
	else
		ok proc-mounts-fifo
	fi
fi
rm -f "$L/proc/mounts"
if truncate -s 1G "$L/proc/mounts" 2>/dev/null; then
	if run proc-mounts-1G "$L" "$tmp/part.xml"; then
		if [ "$(objflag)" = error ] || [ "$(objflag)" = complete ] ||
		    ! has "$L/proc/mounts: only the first 16777216 bytes were read"
		then
			fail proc-mounts-1G "want the 16 MiB message; got $(objflag)"
		else
			ok proc-mounts-1G
		fi
	fi
fi

# ---------------------------------------------------------- item cap
# 20 files of 1,000 lines "x": textfilecontent54 ^x (multiline) asks
# for 20,000 items.  With the test-only cap PLUMB_TEST_ITEM_CAP=1000
# the object holds exactly 1,000 and is flagged incomplete; without it
# (cap 1,000,000) it holds all 20,000 and is complete.
mkdir -p "$tmp/many/m" || exit 99
perl -e 'for my $i (1 .. 20) { open(my $f, ">", "$ARGV[0]/m/f$i") or die;
    print $f "x\n" x 1000; close($f) }' "$tmp/many" || exit 99
doc "$tmp/many.xml" '<ind:textfilecontent54_object id="oval:h:obj:1" version="1"><ind:path>/m</ind:path><ind:filename operation="pattern match">^f</ind:filename><ind:pattern operation="pattern match">^x</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>'
PLUMB_TEST_ITEM_CAP=1000
export PLUMB_TEST_ITEM_CAP
if run item-cap-1000 "$tmp/many" "$tmp/many.xml"; then
	if [ "$(objflag)" != incomplete ] || [ "$(nitems)" -ne 1000 ] ||
	    ! has "more than 1000 items; collection stopped" ||
	    [ "$(result)" != true ]; then
		fail item-cap-1000 "want 1000 items, incomplete, result true; got $(result) $(objflag) $(nitems)"
	else
		ok item-cap-1000
	fi
fi
unset PLUMB_TEST_ITEM_CAP
if run item-cap-default "$tmp/many" "$tmp/many.xml"; then
	if [ "$(objflag)" != complete ] || [ "$(nitems)" -ne 20000 ]; then
		fail item-cap-default "want 20000 items, complete; got $(objflag) $(nitems)"
	else
		ok item-cap-default
	fi
fi
rm -rf "$tmp/many"

# -------------------------------------- files changing during a scan
# A writer creates, rewrites, renames and removes files, swaps files for
# directories and links (including a link loop) under /c while plumb
# scans it repeatedly with file and textfilecontent54 objects.  Every
# scan must end normally (exit 0, a result printed) in time.
mkdir -p "$tmp/churn/c" || exit 99
(
	i=0
	while [ "$i" -lt 100000 ]; do
		d=$tmp/churn/c/d$((i % 7))
		mkdir -p "$d" 2>/dev/null
		printf 'key value %s\n' "$i" >"$d/f$((i % 5))" 2>/dev/null
		mv -f "$d/f$((i % 5))" "$d/g$((i % 3))" 2>/dev/null
		rm -rf "$tmp/churn/c/d$(((i + 3) % 7))" 2>/dev/null
		ln -sfn .. "$d/up" 2>/dev/null
		ln -sfn "g$((i % 3))" "$d/l" 2>/dev/null
		i=$((i + 1))
	done
) &
churn_pid=$!
perl -e '
print qq{<?xml version="1.0" encoding="UTF-8"?>\n<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent" xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix">\n<generator><oval:schema_version>5.11.1</oval:schema_version></generator>\n<definitions>};
for my $i (1, 2) { print qq{<definition id="oval:h:def:$i" version="1" class="compliance"><metadata><title>t</title><description>d</description></metadata><criteria><criterion test_ref="oval:h:tst:$i"/></criteria></definition>} }
print qq{</definitions><tests><unix:file_test id="oval:h:tst:1" version="1" check="all" check_existence="any_exist" comment="c"><unix:object object_ref="oval:h:obj:1"/></unix:file_test><ind:textfilecontent54_test id="oval:h:tst:2" version="1" check="all" check_existence="any_exist" comment="c"><ind:object object_ref="oval:h:obj:2"/></ind:textfilecontent54_test></tests>\n<objects><unix:file_object id="oval:h:obj:1" version="1"><unix:behaviors recurse="symlinks and directories" recurse_direction="down" max_depth="-1"/><unix:path>/c</unix:path><unix:filename operation="pattern match">.*</unix:filename></unix:file_object><ind:textfilecontent54_object id="oval:h:obj:2" version="1"><ind:behaviors recurse="symlinks and directories" recurse_direction="down" max_depth="-1"/><ind:path>/c</ind:path><ind:filename operation="pattern match">.*</ind:filename><ind:pattern operation="pattern match">^key (\\S+) (\\d+)</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object></objects>\n</oval_definitions>\n};
' >"$tmp/churn.xml"
scans=0
bad=
while [ "$scans" -lt 40 ]; do
	run churn "$tmp/churn" "$tmp/churn.xml" || { bad=yes; break; }
	if [ "$(grep -c '^Definition oval:h:def:[12]: ' "$tmp/out")" -ne 2 ]
	then
		fail churn "scan $scans printed no result for both definitions"
		bad=yes
		break
	fi
	scans=$((scans + 1))
done
kill "$churn_pid" 2>/dev/null
wait "$churn_pid" 2>/dev/null
churn_pid=
if [ -z "$bad" ]; then
	echo "ok churn: $scans scans while files changed"
	passed=$((passed + 1))
fi

# ------------------------------------------------ a garbage RPM database
# 1 MiB of random bytes as an sqlite database and as a Berkeley DB
# Packages file: librpm must refuse them; the object is flagged error
# with a message naming the database (platforms/linux/rpmdb.c), and
# nothing is written under the root.  A build without librpm does not
# collect (not collected).
if ldd "$PLUMB" 2>/dev/null | grep -q 'librpm\.'; then
	want_flag=error
else
	want_flag="not collected"
fi
doc "$tmp/rpm.xml" '<linux:rpminfo_object id="oval:h:obj:1" version="1"><linux:name operation="pattern match">.</linux:name></linux:rpminfo_object>'
# Under the sanitizers (ASAN_OPTIONS set): full stacks on malloc for
# these runs only, so that tests/fuzz/lsan.supp can name the leak
# librpm makes inside sqlite when it refuses such a database.
asan_saved=${ASAN_OPTIONS-}
if [ -n "$asan_saved" ]; then
	ASAN_OPTIONS=$asan_saved:fast_unwind_on_malloc=0
	export ASAN_OPTIONS
fi
for f in rpmdb.sqlite Packages; do
	mkdir -p "$tmp/rpm-$f/var/lib/rpm" || exit 99
	head -c 1048576 /dev/urandom >"$tmp/rpm-$f/var/lib/rpm/$f" || exit 99
	run "rpmdb-$f" "$tmp/rpm-$f" "$tmp/rpm.xml" || continue
	if [ "$(objflag)" != "$want_flag" ]; then
		fail "rpmdb-$f" "flag $(objflag), expected $want_flag"
	elif [ "$(ls "$tmp/rpm-$f/var/lib/rpm")" != "$f" ]; then
		fail "rpmdb-$f" "files written beside the database"
	else
		ok "rpmdb-$f"
	fi
done
if [ -n "$asan_saved" ]; then
	ASAN_OPTIONS=$asan_saved
	export ASAN_OPTIONS
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
