#!/bin/sh
# run.sh - seed and run every libFuzzer harness that build.sh built.
#
# usage: run.sh [RUNS [BUILD_DIR]]
#
# RUNS executions per harness (default 20000), in BUILD_DIR (default
# ./fuzz-build, as given to build.sh).  Seed corpora are made afresh in
# BUILD_DIR/fuzz/seeds/NAME from tests/fixtures, the plant baseline, the
# packaged configs, a summary.json and a bundle made by the fuzz build's
# own plumb, and a few small files of /usr/share/xml/scap/ssg/content
# (files over FUZZ_SEED_MAX bytes, default 160 KiB, are left out).  What
# libFuzzer finds new is kept in BUILD_DIR/fuzz/corpus/NAME for the next
# run; crash reproducers go to BUILD_DIR/fuzz/artifacts/.  Prints the
# executions and time per harness; exits 1 when any harness crashed,
# leaked, timed out (-timeout=10) or went over -rss_limit_mb=2048.
# FUZZ_TIMEOUT=SECONDS changes that per-input time limit (libFuzzer
# measures wall time: a long run that is paused with SIGSTOP needs more).
# FUZZ_ONLY="fuzz_cmp fuzz_oval" runs only those.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
runs=${1:-20000}
build=${2:-fuzz-build}
seed_max=${FUZZ_SEED_MAX:-163840}
ssg=/usr/share/xml/scap/ssg/content

if [ ! -d "$build/fuzz" ]; then
	echo "run.sh: $build/fuzz missing: run tests/fuzz/build.sh first" >&2
	exit 1
fi
build=$(cd "$build" && pwd)
fz=$build/fuzz
seeds=$fz/seeds
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
rm -rf "$seeds"
mkdir -p "$seeds" "$fz/corpus" "$fz/artifacts"

# seed NAME FILE...: copy the files (at most seed_max bytes each) into
# the seeds of harness NAME; missing files are skipped.
seed() {
	name=$1
	shift
	mkdir -p "$seeds/$name"
	for f in "$@"; do
		[ -f "$f" ] || continue
		[ "$(wc -c <"$f")" -le "$seed_max" ] || continue
		cp "$f" "$seeds/$name/$(echo "$f" | tr '/' '_')"
	done
}

# seed_bytes NAME FILE PREFIX_OCTAL: FILE with one leading byte.
seed_bytes() {
	mkdir -p "$seeds/$1"
	{ printf "\\$3"; cat "$2"; } >"$seeds/$1/$(basename "$2").$3"
}

echo "==== seed corpora"
seed fuzz_oval "$src"/tests/fixtures/oval/*.xml \
    "$src"/tests/fixtures/linux/*/*.xml \
    "$src"/tests/fixtures/xccdf/standalone-oval.xml \
    "$src"/benchmarks/plant/plumb-plant-oval.xml \
    "$src"/benchmarks/plant/plumb-plant-cpe-oval.xml \
    "$ssg"/ssg-debian11-cpe-oval.xml
rm -f "$seeds"/fuzz_oval/*variables.vars.xml
seed fuzz_oval_vars "$src"/tests/fixtures/oval/variables.vars.xml
seed fuzz_xccdf "$src"/tests/fixtures/xccdf/fixture-ds.xml \
    "$src"/tests/fixtures/xccdf/standalone11.xml \
    "$src"/benchmarks/plant/plumb-plant-xccdf.xml \
    "$src"/benchmarks/plant/plumb-plant-cpe-dictionary.xml \
    "$build"/benchmarks/plant/plumb-plant-ds.xml \
    "$ssg"/ssg-debian11-cpe-dictionary.xml
seed fuzz_tailoring "$src"/tests/fixtures/xccdf/tailoring.xml \
    "$src"/benchmarks/tailoring/*.xml
seed fuzz_agent_config "$src"/packaging/agent.conf \
    "$src"/benchmarks/controls/isms-controls.ini
seed fuzz_collector_config "$src"/packaging/plumb-collector.conf
# Comparison seeds: datatype byte, operation byte, actual NUL expected.
# Datatypes (octal): 000 string 001 int 002 float 003 boolean 004 binary
# 005 evr_string 006 debian_evr_string 007 fileset_revision
# 010 ios_version 011 version 012 ipv4_address 013 ipv6_address;
# operations: 000 equals 004 greater 005 less 007 less or equal
# 010 bitwise and 012 pattern match 013 subset of
# (include/plumb/oval_types.h).
mkdir -p "$seeds/fuzz_cmp"
i=0
while IFS='|' read -r dt op a b; do
	i=$((i + 1))
	{ printf "\\$dt\\$op%s" "$a"; printf '\000'; printf '%s' "$b"; } \
	    >"$seeds/fuzz_cmp/seed$i"
done <<'SEEDS'
000|000|sshd|sshd
000|012|PermitRootLogin no|^PermitRootLogin\s+(no|prohibit-password)$
000|012|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!|^(a+)+$
001|004|1024|-5
001|010|6|4
002|005|1.5e3|NaN
003|000|true|1
004|000|0aFF|0aff
005|004|1:2.3-4.el8|0:2.3-4
006|005|1:2.30~rc1-1+deb11u1|1:2.30-1
007|004|1.2.3|1.2
010|004|12.2(1)T|12.1(3a)
011|004|1.2.3|1.2
012|000|1.2.3.4|1.2.3.4
012|013|10.0.0.0/8|10.1.2.3/16
013|000|::1|0:0:0:0:0:0:0:1
013|007|fe80::/10|fe80::1/64
SEEDS
# summary.json, the bundle and its layers, made with the fuzz build.
echo "==== summary.json and bundle seeds"
mkdir -p "$seeds/fuzz_summary" "$seeds/fuzz_bundle"
if "$build/plumb" xccdf eval --root "$src/tests/fixtures/xccdf/root1" \
    --json "$tmp/summary.json" --results-arf "$tmp/arf.xml" \
    "$src/tests/fixtures/xccdf/fixture-ds.xml" >"$tmp/eval.log" 2>&1 ||
    [ -s "$tmp/summary.json" ]; then
	cp "$tmp/summary.json" "$seeds/fuzz_summary/"
	"$build/tests/delivery/delivery-tool" bundle "$tmp/b.p7m" \
	    "$fz/pki/agent.pem" "$fz/pki/agent.key" agent01.plant.test \
	    "$tmp/summary.json" "$tmp/arf.xml" >/dev/null
	openssl cms -verify -binary -inform DER -in "$tmp/b.p7m" \
	    -CAfile "$fz/pki/ca.pem" -out "$tmp/b.tgz" 2>/dev/null
	gzip -dc <"$tmp/b.tgz" >"$tmp/b.tar"
	seed_bytes fuzz_bundle "$tmp/b.p7m" 000
	seed_bytes fuzz_bundle "$tmp/b.tar" 001
	seed_bytes fuzz_bundle "$tmp/b.tar" 002
else
	cat "$tmp/eval.log" >&2
	echo "run.sh: cannot make the summary/bundle seeds" >&2
	exit 1
fi

# max_len per harness: XML harnesses take whole seed documents.
maxlen() {
	case $1 in
	fuzz_oval|fuzz_xccdf) echo "$seed_max" ;;
	fuzz_oval_vars|fuzz_tailoring|fuzz_summary) echo 65536 ;;
	fuzz_bundle) echo 131072 ;;
	*) echo 4096 ;;
	esac
}

fail=0
printf '%-22s %10s %8s %8s %s\n' harness executions seconds exec/s result \
    >"$tmp/table"
for h in ${FUZZ_ONLY:-$(cd "$fz" && ls fuzz_* | grep -v '\.')}; do
	[ -x "$fz/$h" ] || continue
	mkdir -p "$fz/corpus/$h" "$seeds/$h"
	log=$fz/$h.log
	echo "==== $h: $runs runs"
	start=$(date +%s)
	rc=0
	( cd "$tmp" && "$fz/$h" -runs="$runs" -max_len="$(maxlen "$h")" \
	    -rss_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-10}" -error_exitcode=1 \
	    -timeout_exitcode=1 -print_final_stats=1 \
	    -artifact_prefix="$fz/artifacts/$h-" \
	    "$fz/corpus/$h" "$seeds/$h" ) >"$log" 2>&1 || rc=$?
	secs=$(($(date +%s) - start))
	done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	eps=?
	[ -n "$done_runs" ] && eps=$((done_runs / (secs > 0 ? secs : 1)))
	if [ "$rc" -ne 0 ]; then
		fail=1
		result="FAIL (rc $rc, $log)"
		grep -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|SUMMARY|Test unit written' \
		    "$log" | head -n 20 >&2 || true
	else
		result=ok
	fi
	printf '%-22s %10s %8s %8s %s\n' "$h" "${done_runs:-?}" "$secs" \
	    "$eps" "$result" | tee -a "$tmp/table"
done
echo "==== summary ($runs runs each)"
cat "$tmp/table"
exit "$fail"
