#!/bin/sh
# fault.sh - the collector killed under ingest.  FAULT_AGENTS agents
# (default 4, real "plumb scan" with a spool, plus "plumb spool flush")
# scan and upload in a loop while plumb-collector is started and killed
# with SIGKILL FAULT_KILLS times (default 50) after a random 0.1 .. 0.6
# s each; on PostgreSQL (PLUMB_TEST_PG, tests/collector/pg.sh) the
# database server is also restarted once mid-ingest.  Then a clean
# collector and a final flush of every spool.  Asserts: every spool
# empty, no bundle refused, every bundle any scan spooled is in the
# database exactly once, the collector logged each as stored once (an
# acknowledged upload is never stored again), and every stored bundle's
# evidence file exists, has the recorded SHA-256 and verifies against
# the agent CA (openssl cms -verify).
# Run with no PLUMB_TEST_PG it does SQLite, then itself under pg.sh.
# Environment: top_srcdir, top_builddir, PLUMB.  Part of "make
# check-load".
set -eu

. "$(dirname "$0")/lib.sh"

nag=${FAULT_AGENTS:-4}
kills=${FAULT_KILLS:-50}
backend=sqlite
[ -n "${PLUMB_TEST_PG:-}" ] && backend=postgresql
FDS=$top_srcdir/tests/fixtures/xccdf/fixture-ds.xml
PLUMB_SCAN_ROOT=$top_srcdir/tests/fixtures/xccdf/root1
export PLUMB_SCAN_ROOT

rnd() {
	echo $(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % $1 ))
}

make_pki "$nag" || finish
# A first start picks the port every restart reuses.
start_collector || finish
hosts=$(sed 's/ .*//' "$tmp/agents")
for h in $hosts; do
	agent_conf "$tmp/$h.conf" "$h" "$url" "$FDS"
	: >"$tmp/$h.out"
done

# agent_loop HOST: scan (and now and then flush) until $tmp/stop exists.
agent_loop() {
	while [ ! -e "$tmp/stop" ]; do
		if [ "$(rnd 4)" -eq 0 ]; then
			"$PLUMB" spool flush --config "$tmp/$1.conf" \
			    >>"$tmp/$1.out" 2>>"$tmp/$1.err" || :
		else
			"$PLUMB" scan --config "$tmp/$1.conf" \
			    >>"$tmp/$1.out" 2>>"$tmp/$1.err" || :
		fi
	done
}
pids=
for h in $hosts; do
	agent_loop "$h" &
	pids="$pids $!"
done
extra_cleanup='touch "$tmp/stop"; kill $pids 2>/dev/null; sleep 1'

pgrestart=
if [ -n "${PLUMB_TEST_PG:-}" ]; then
	pgdata=$(rows "SHOW data_directory")
	pgbin=$(dirname "$(command -v "$dbtool")")
	as_pg() { "$@"; }
	[ "$(id -u)" -eq 0 ] && as_pg() { runuser -u postgres -- "$@"; }
fi
i=0
while [ $i -lt "$kills" ]; do
	i=$((i + 1))
	[ -n "$collector_pid" ] || start_collector || break
	sleep "0.$(printf '%03d' $((100 + $(rnd 500))))"
	if [ -n "${PLUMB_TEST_PG:-}" ] && [ $i -eq $((kills / 2)) ]; then
		# The database goes away under a live collector.
		mark=$(wc -l <"$tmp/collector.err")
		if as_pg "$pgbin/pg_ctl" -D "$pgdata" -m fast -w -t 60 \
		    -l /dev/null restart >"$tmp/pgrestart.log" 2>&1; then
			pgrestart=ok
		else
			pgrestart=failed
		fi
		# Does the same collector store again once it is back?
		sleep 3
		tail -n +"$((mark + 1))" "$tmp/collector.err" >"$tmp/after"
		echo "# $backend: after the PostgreSQL restart the same" \
		    "collector answered $(grep -c ' 201 ' "$tmp/after" || :)" \
		    "x 201, $(grep -c ' 500 ' "$tmp/after" || :) x 500 in 3 s"
	fi
	kill9_collector
done
check "$backend: $kills kill -9 of the collector done ($i)" \
    test "$i" -eq "$kills"
if [ -n "${PLUMB_TEST_PG:-}" ]; then
	check "$backend: PostgreSQL restarted mid-ingest" \
	    test "$pgrestart" = ok
fi
touch "$tmp/stop"
for p in $pids; do wait "$p" 2>/dev/null || :; done
pids=

# A clean collector; every spool flushed.
start_collector || finish
for h in $hosts; do
	"$PLUMB" spool flush --config "$tmp/$h.conf" >>"$tmp/$h.out" \
	    2>>"$tmp/$h.err" || :
	left=$(ls -A "$tmp/spool-$h" 2>/dev/null | grep -v '^\.lock$' || :)
	check "$backend: $h spool empty after the last flush" test -z "$left"
done
stop_collector

cat "$tmp"/*.out | sed -n 's/^bundle \([0-9a-f-]*\) spooled$/\1/p' |
    sort >"$tmp/spooled"
rej=$(cat "$tmp"/*.out | awk '/ delivered, / { r += $3 } END { print r + 0 }')
check "$backend: no bundle rejected by the collector ($rej)" test "$rej" = 0
nsp=$(wc -l <"$tmp/spooled")
check "$backend: scans spooled bundles ($nsp)" test "$nsp" -gt 0
rows "SELECT uuid FROM bundles" | sort >"$tmp/stored"
nst=$(wc -l <"$tmp/stored")
check "$backend: every spooled bundle stored ($nst of $nsp)" \
    cmp -s "$tmp/spooled" "$tmp/stored"
dup=$(uniq -d "$tmp/stored" | wc -l)
check "$backend: none stored twice ($dup)" test "$dup" -eq 0
# The collector's log: "stored" once per bundle, across all restarts.
grep -o 'stored bundle [0-9a-f-]*' "$tmp/collector.err" |
    sed 's/.* //' | sort >"$tmp/logged" || :
ldup=$(uniq -d "$tmp/logged" | wc -l)
nlog=$(wc -l <"$tmp/logged")
echo "# $backend: collector logged $nlog stores, $ldup more than once"
check "$backend: no acknowledged bundle stored again ($ldup)" \
    test "$ldup" -eq 0
# Evidence: present, digest as recorded, verifies.
bad=0
rows "SELECT evidence_sha256 FROM bundles" >"$tmp/sums"
while read -r s; do
	f=$evid/$(printf '%s' "$s" | cut -c1-2)/$s.p7m
	if [ "$(sha256sum <"$f" 2>/dev/null | cut -d' ' -f1)" != "$s" ] ||
	    ! openssl cms -verify -inform DER -in "$f" -binary \
	    -CAfile "$pki/ca.pem" -out /dev/null 2>/dev/null; then
		bad=$((bad + 1))
		echo "# bad evidence: $f"
	fi
done <"$tmp/sums"
check "$backend: all $nst evidence files present, digests match, verify" \
    test "$bad" -eq 0
resent=$(grep -c ' 409 ' "$tmp/collector.err" || :)
failed_up=$(cat "$tmp"/*.err | grep -c 'upload of .* failed' || :)
echo "# $backend: $failed_up agent uploads failed and stayed spooled;" \
    "$resent re-sends answered 409 (stored before the kill, reply lost)"
echo "$backend: $kills collector kills survived, $nsp bundles spooled," \
    "$nst stored once each, results lost: $((nsp - nst))" \
    "${pgrestart:+(PostgreSQL restarted: $pgrestart)}"

if [ -z "${PLUMB_TEST_PG:-}" ] && [ "${FAULT_PG:-yes}" != no ]; then
	set +e
	sh "$top_srcdir/tests/collector/pg.sh" sh "$0" >"$tmp/pg.out" 2>&1
	prc=$?
	set -e
	grep -v '^== ' "$tmp/pg.out" | grep -v '^ok - ' || :
	case $prc in
	0) ok "postgresql run" ;;
	77) echo "# postgresql: skipped" ;;
	*) cat "$tmp/pg.out"; not_ok "postgresql run (exit $prc)" ;;
	esac
fi
finish
