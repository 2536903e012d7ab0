#!/bin/sh
# With the collector down, DELIVERY_SCANS "plumb scan" runs (default 10;
# "make check-delivery" runs 100) all exit 0 and leave their bundles in
# the spool.  Once the collector is back, a single "plumb spool flush"
# delivers every one exactly once, oldest first: the collector's arrival
# log must equal the spool order taken before the flush.
# Environment: PLUMB, top_srcdir, top_builddir, DELIVERY_SCANS.  Ends
# with "N passed, N failed"; exits 1 on any failure.

. "$(dirname "$0")/lib.sh"

n=${DELIVERY_SCANS:-10}

# A port that was free a moment ago, with nobody listening now.
start_server || finish
p=$port
stop_server
write_conf "$tmp/agent.conf" "https://localhost:$p/api/v1/bundles"

bad=0
i=0
while [ $i -lt "$n" ]; do
	i=$((i + 1))
	if ! "$PLUMB" scan --config "$tmp/agent.conf" >>"$tmp/scan.out" \
	    2>>"$tmp/scan.err"; then
		bad=$((bad + 1))
	fi
done
check "$n scans with the collector down all exit 0" test "$bad" -eq 0
spool_uuids >"$tmp/spooled"
check "$n bundles in the spool" test "$(wc -l <"$tmp/spooled")" -eq "$n"
sed -n 's/^bundle \([0-9a-f-]*\) spooled$/\1/p' "$tmp/scan.out" \
    >"$tmp/created"
check "spool order is creation order" cmp -s "$tmp/created" "$tmp/spooled"
check "each failed delivery was logged" \
    test "$(grep -c 'not reachable' "$tmp/scan.err")" -eq "$n"

start_server --port "$p" || finish
"$PLUMB" spool flush --config "$tmp/agent.conf" >"$tmp/flush.out" \
    2>"$tmp/flush.err"
check "one flush: exit 0" test $? -eq 0
check "one flush: spool empty" test -z "$(spool_uuids)"
sed -n 's/^201 //p' "$arrivals" >"$tmp/arrived"
check "every bundle arrived once, oldest first" \
    cmp -s "$tmp/spooled" "$tmp/arrived"
check "no re-sends were needed" \
    test "$(wc -l <"$arrivals")" -eq "$n"
check "the collector stores $n bundles" \
    test "$(ls "$store" | grep -c '\.p7m$')" -eq "$n"
"$PLUMB" spool flush --config "$tmp/agent.conf" >/dev/null 2>&1
check "a second flush has nothing to send" \
    test $? -eq 0 -a "$(wc -l <"$arrivals")" -eq "$n"
stop_server
finish
