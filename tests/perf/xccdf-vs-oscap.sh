#!/bin/sh
# xccdf-vs-oscap.sh - wall time, CPU time and peak RSS of oscap and plumb
# evaluating the same XCCDF profile of a SCAP source data stream on this
# host, measured in one run, with plumb's ratios against oscap.
#
# usage: tests/perf/xccdf-vs-oscap.sh [DS [PROFILE]]
#   default: ssg-ubuntu2204-ds.xml, CIS Level 2 Server, with every
#   xccdf:platform removed (tests/conformance/strip-platforms.xsl) so that
#   every selected rule is evaluated on this host
#   PLUMB  the plumb binary (default: ./plumb)
#   STRIP=0  evaluate the data stream as shipped
#   ARF=0    write no result files (default: both write --results-arf)
# Needs GNU time (Debian package "time") and xsltproc.
set -eu

. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
f=${1:-/usr/share/xml/scap/ssg/content/ssg-ubuntu2204-ds.xml}
p=${2:-xccdf_org.ssgproject.content_profile_cis_level2_server}
[ -r "$f" ] || { echo "missing content $f"; exit 77; }
perf_oscap_setup

ds=$f
if [ "${STRIP:-1}" = 1 ]; then
	command -v xsltproc >/dev/null 2>&1 ||
	    { echo "xsltproc missing: apt-get install xsltproc"; exit 77; }
	ds=$out/ds.xml
	xsltproc "$top/tests/conformance/strip-platforms.xsl" "$f" >"$ds"
fi

# Result-file options for one tool; $1 (o or p) names its ARF file.
results() {
	if [ "${ARF:-1}" = 1 ]; then
		echo "--results-arf $out/$1-arf.xml"
	fi
}

if [ "${STRIP:-1}" = 1 ]; then
	echo "content: $f (platforms stripped)"
else
	echo "content: $f"
fi
echo "profile: $p"
if [ "${ARF:-1}" = 1 ]; then
	echo "result files: --results-arf"
else
	echo "result files: none"
fi
# shellcheck disable=SC2046
set -- $(perf_measure oscap xccdf eval --profile "$p" $(results o) "$ds")
ow=$1 oc=$2 om=$3
# shellcheck disable=SC2046
set -- $(perf_measure "$PLUMB" xccdf eval --profile "$p" $(results p) "$ds")
pw=$1 pc=$2 pm=$3
if [ "${ARF:-1}" = 1 ]; then
	for t in o p; do
		[ -s "$out/$t-arf.xml" ] ||
		    echo "warning: no ARF report from the $t run (o = oscap, p = plumb)"
	done
fi
printf '%-8s %10s %10s %14s\n' tool wall_s cpu_s peak_rss_kb
printf '%-8s %10s %10s %14s\n' oscap "$ow" "$oc" "$om"
printf '%-8s %10s %10s %14s\n' plumb "$pw" "$pc" "$pm"
awk -v ow="$ow" -v pw="$pw" -v oc="$oc" -v pc="$pc" -v om="$om" -v pm="$pm" \
    'BEGIN {
	printf "plumb is %.1fx faster in wall time, %.1fx in CPU time; ", \
	    ow / (pw > 0 ? pw : 0.01), oc / (pc > 0 ? pc : 0.01)
	printf "peak RSS is %.2f of oscap'"'"'s\n", pm / om
    }'
