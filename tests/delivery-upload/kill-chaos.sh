#!/bin/sh
# DELIVERY_KILLS runs (default 8; "make check-delivery" runs 50) start
# "plumb scan" or "plumb spool flush" and kill -9 it after a random
# fraction of a second, while it spools and uploads.  After a final
# flush: the spool is empty, every bundle that was ever spooled is at
# the collector exactly once (one "201" per UUID, stored once; a
# re-send of a bundle it has is answered 409 and not stored again),
# nothing partial is anywhere, and the next scan removes the private
# directories the killed scans left.
# Environment: PLUMB, top_srcdir, top_builddir, DELIVERY_KILLS.  Ends
# with "N passed, N failed"; exits 1 on any failure.

. "$(dirname "$0")/lib.sh"

n=${DELIVERY_KILLS:-8}

# A random integer in [0, $1).
rnd() {
	echo $(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % $1 ))
}

start_server || finish
write_conf "$tmp/agent.conf" "https://localhost:$port/api/v1/bundles"
: >"$tmp/seen"
: >"$tmp/out"
# A backlog first, so flushes have work to be killed in.
stop_server
i=0
while [ $i -lt 4 ]; do
	"$PLUMB" scan --config "$tmp/agent.conf" >>"$tmp/out" 2>/dev/null
	i=$((i + 1))
done
start_server --port "$port" || finish

i=0
while [ $i -lt "$n" ]; do
	i=$((i + 1))
	if [ "$(rnd 3)" -eq 0 ]; then
		"$PLUMB" spool flush --config "$tmp/agent.conf" \
		    >/dev/null 2>&1 &
	else
		"$PLUMB" scan --config "$tmp/agent.conf" >>"$tmp/out" \
		    2>/dev/null &
	fi
	pid=$!
	sleep "0.$(printf '%03d' "$(rnd 400)")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# Whatever reached the spool must reach the collector.
	spool_uuids >>"$tmp/seen"
done
sed -n 's/^bundle \([0-9a-f-]*\) spooled$/\1/p' "$tmp/out" >>"$tmp/seen"
sort -u "$tmp/seen" >"$tmp/seen.u"

"$PLUMB" spool flush --config "$tmp/agent.conf" >/dev/null 2>"$tmp/flush.err"
check "final flush: exit 0" test $? -eq 0
# (.lock is the spool's own lock file.)
ls -A "$tmp/spool" | grep -vx .lock >"$tmp/spool.left"
check "final flush: spool empty" test ! -s "$tmp/spool.left"
sed "s/^/# left: /" "$tmp/spool.left"

sed -n 's/^201 //p' "$arrivals" | sort >"$tmp/stored"
sort -u "$tmp/stored" >"$tmp/stored.u"
check "no bundle stored twice" cmp -s "$tmp/stored" "$tmp/stored.u"
check "nothing lost: every spooled bundle is at the collector" \
    test -z "$(comm -23 "$tmp/seen.u" "$tmp/stored.u")"
ls "$store" | grep '\.p7m$' | sed 's/\.p7m$//' | sort >"$tmp/files"
check "the collector holds exactly one file per stored UUID" \
    cmp -s "$tmp/files" "$tmp/stored.u"
check "no partial file at the collector" \
    test -z "$(ls -A "$store" | grep -v '\.p7m$')"
bad=0
while read -r u; do
	openssl cms -verify -inform DER -in "$store/$u.p7m" \
	    -CAfile "$pki/ca.pem" -out /dev/null 2>/dev/null || bad=$((bad + 1))
done <"$tmp/stored.u"
check "every stored bundle verifies" test "$bad" -eq 0
check "at least the backlog was created" \
    test "$(wc -l <"$tmp/stored.u")" -ge 4
echo "# $(wc -l <"$tmp/stored.u") bundles stored, $(grep -c '^409 ' "$arrivals") re-sends acknowledged"

"$PLUMB" scan --config "$tmp/agent.conf" >/dev/null 2>&1
check "a clean scan afterwards exits 0" test $? -eq 0
check "killed scans' private directories removed" \
    test -z "$(ls -A "$tmp/state")"
stop_server
finish
