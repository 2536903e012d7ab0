#!/bin/sh
# The bound of the ingest queue ([limits] ingest_queue): with room for
# one upload, 24 bundles sent at once are each answered 201 or 503, a
# 503 with "Retry-After: 5" and nothing stored for it; /metrics counts
# every 503 as "busy"; the database and the evidence hold exactly the
# 201 ones; sent again one at a time, the refused ones are all stored.
# How many are refused depends on timing (none only if every upload
# was stored before the next one was checked).
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed".

. "$(dirname "$0")/lib.sh"

n=24
: >"$tmp/list"
i=0
while [ $i -lt $n ]; do
	i=$((i + 1))
	spare agent agent01.plant.test
	[ -s "$bundle" ] && echo "$bundle $uuid" >>"$tmp/list"
done
check "$n spare bundles made" test "$(wc -l <"$tmp/list")" -eq $n

start_collector "[limits]
ingest_queue = 1" || finish
api_port=$(sed -n 's/.*api listening on .* port \([0-9]*\)$/\1/p' \
    "$tmp/collector.err" | tail -n 1)
tok=$("$COLLECTOR" -c "$tmp/collector.conf" token add ci 2>/dev/null)
check "api listener and token" test -n "$api_port" -a -n "$tok"

# All at once: one curl each, status and headers kept per UUID (waited
# for by pid: the collector is a child too).
pids=
while read -r f u; do
	curl -sS -o "$tmp/body-$u" -D "$tmp/head-$u" -w '%{http_code}' \
	    --max-time 60 --cacert "$pki/ca.pem" --cert "$pki/agent.pem" \
	    --key "$pki/agent.key" -H "X-Plumb-Bundle: $u" \
	    --data-binary "@$f" "$url" >"$tmp/code-$u" 2>/dev/null &
	pids="$pids $!"
done <"$tmp/list"
# shellcheck disable=SC2086
wait $pids
stored=0 busy=0 other=0 badretry=0
while read -r f u; do
	case $(cat "$tmp/code-$u") in
	201) stored=$((stored + 1)) ;;
	503)
		busy=$((busy + 1))
		echo "$f $u" >>"$tmp/again"
		grep -qi '^Retry-After: 5' "$tmp/head-$u" ||
		    badretry=$((badretry + 1))
		;;
	*) other=$((other + 1)) ;;
	esac
done <"$tmp/list"
echo "# at once: $stored stored, $busy refused busy"
check "every answer 201 or 503 ($other others)" test "$other" -eq 0
check "every 503 says Retry-After: 5" test "$badretry" -eq 0
check "database holds the $stored answered 201" \
    test "$(rows 'SELECT count(*) FROM bundles')" -eq "$stored"
check "one evidence file each" test "$(evidence_files | wc -l)" -eq "$stored"
code=$(curl -sS -o "$tmp/metrics" -w '%{http_code}' --max-time 20 \
    --cacert "$pki/ca.pem" -H "Authorization: Bearer $tok" \
    "https://localhost:$api_port/metrics" 2>/dev/null)
m() {
	awk -v k="$1" '$1 == k { print $2 }' "$tmp/metrics"
}
check "/metrics: busy = $busy" test "$code" = 200 -a \
    "$(m 'plumb_uploads_rejected_total{reason="busy"}')" = "$busy"
check "/metrics: stored = $stored" \
    test "$(m 'plumb_uploads_total{result="stored"}')" = "$stored"

# The refused ones again, one at a time: all stored.
again=0
if [ -s "$tmp/again" ]; then
	while read -r f u; do
		post "$f" "$u" agent
		[ "$code" = 201 ] && again=$((again + 1))
	done <"$tmp/again"
fi
check "sent again one at a time: the $busy refused stored" \
    test "$again" -eq "$busy"
check "all $n stored once" test \
    "$(rows 'SELECT count(DISTINCT uuid) FROM bundles')" -eq $n -a \
    "$(rows 'SELECT count(*) FROM bundles')" -eq $n
stop_collector
finish
