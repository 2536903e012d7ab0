#!/bin/sh
# oval-vs-oscap.sh - wall time, CPU time and peak RSS of oscap and plumb
# evaluating the same OVAL content on this host, measured in one run,
# with plumb's ratios against oscap.
#
# usage: tests/perf/oval-vs-oscap.sh [OVAL_FILE]   (default: SSG Ubuntu 22.04)
#   PLUMB  the plumb binary (default: ./plumb)
# Needs GNU time (Debian package "time") for the figures.
set -eu

. "$(dirname "$0")/lib.sh"
f=${1:-/usr/share/xml/scap/ssg/content/ssg-ubuntu2204-oval.xml}
perf_oscap_setup

echo "content: $f"
set -- $(perf_measure oscap oval eval --results "$out/o.xml" "$f")
ow=$1 oc=$2 om=$3
set -- $(perf_measure "$PLUMB" oval eval --results "$out/p.xml" "$f")
pw=$1 pc=$2 pm=$3
printf '%-8s %10s %10s %14s\n' tool wall_s cpu_s peak_rss_kb
printf '%-8s %10s %10s %14s\n' oscap "$ow" "$oc" "$om"
printf '%-8s %10s %10s %14s\n' plumb "$pw" "$pc" "$pm"
awk -v ow="$ow" -v pw="$pw" -v oc="$oc" -v pc="$pc" -v om="$om" -v pm="$pm" \
    'BEGIN {
	printf "plumb is %.1fx faster in wall time, %.1fx in CPU time; ", \
	    ow / (pw > 0 ? pw : 0.01), oc / (pc > 0 ? pc : 0.01)
	printf "peak RSS is %.2f of oscap'"'"'s\n", pm / om
    }'
