#!/bin/sh
# Bodies buffered per connection: 16 TLS connections with one agent
# certificate each POST a 100 MiB body (attack.py bodies) and stall.
#  1. shipped defaults (max_upload_bytes 64 MiB): each is refused 413 by
#     its Content-Length before any of it is buffered, counted as
#     too_large;
#  2. chunked bodies (no Content-Length to refuse) with
#     max_inflight_bytes = 64M (the least max_upload_bytes allows):
#     while they stream in, whenever the bodies buffered pass 64 MiB
#     the connection holding the most is closed (reason "memory"), and
#     evhttp cuts each at max_upload_bytes (+ 1 MiB), so none is held
#     whole.
# Meanwhile a legitimate upload and an API call each complete within
# 2 s, and the collector's peak RSS stays under its bound.
# Environment: PLUMB, top_srcdir, top_builddir.

. "$(dirname "$0")/lib.sh"

MIB=1048576
spares 2

# attack MODE HOLD: 16 x 100 MiB bodies, then stall until HOLD seconds
# have passed; a legitimate upload and API call one second in.
attack() {
	rm -f "$tmp/ready"
	python3 "$ATTACK" bodies 127.0.0.1 "$port" 16 $((100 * MIB)) "$1" \
	    "$pki/agent.pem" "$pki/agent.key" "$pki/ca.pem" "$2" \
	    "$tmp/ready" >"$tmp/bodies.out" 2>"$tmp/bodies.err" &
	ap=$!
	sleep 1
	legit "$1 bodies"
	wait "$ap"
	echo "# $(sort "$tmp/bodies.out" | uniq -c | sort -rn | head -n 3 |
	    tr -s ' \n' ' ')"
	check "$1: 16 connections reported" \
	    test "$(wc -l <"$tmp/bodies.out")" -eq 16
}

# ---- 1. shipped defaults: Content-Length over max_upload_bytes
start
attack length 2
check "defaults: every body refused 413 or cut (none held)" \
    test "$(grep -cv ' status 413$\| closed$' "$tmp/bodies.out")" -eq 0
n=$(metric 'plumb_uploads_rejected_total{reason="too_large"}')
check "defaults: /metrics too_large counts them ($n)" test "${n:-0}" -ge 8
peak_under defaults 60000
stop_collector

# ---- 2. chunked, 64 MiB in flight at most
# Bound: about 15 MB empty, 64 MiB of bodies, a read of slack per
# connection, TLS buffers: under 120 MB.
for mode in chunked; do
	start "[limits]
max_inflight_bytes = 64M"
	attack "$mode" 2
	sent=$(awk '{ s += $2 } END { print int(s / 1048576) }' \
	    "$tmp/bodies.out")
	echo "# $mode: $sent MiB sent by the attackers in all"
	check "$mode: no body of 100 MiB held whole" \
	    test "$(grep -c "^sent $((100 * MIB)) stalled" \
	    "$tmp/bodies.out")" -eq 0
	n=$(metric 'plumb_uploads_rejected_total{reason="memory"}')
	check "$mode: /metrics memory counts the closed ones ($n)" \
	    test "${n:-0}" -ge 1
	peak_under "$mode" 120000
	stop_collector
done
need 12
