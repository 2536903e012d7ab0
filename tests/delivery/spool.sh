#!/bin/sh
# spool.sh - plumb spool list|purge through the configuration, and
# kill -9 at random points of spool_put: never a partial file under a
# final name, and the temporary files are gone at the next open.
set -u
. "$(dirname "$0")/lib.sh"

S=$W/spool
cat >"$W/agent.conf" <<CONF
[agent]
host_id = agent01.plant.test
state_dir = $W/state
[spool]
spool_dir = $S
max_bytes = 1M
CONF

# --- list and purge
head -c 300000 /dev/urandom >"$W/src"
for u in 11111111-1111-4111-8111-111111111111 \
    22222222-2222-4222-8222-222222222222; do
	cp "$W/src" "$W/in"
	check "put $u" "$TOOL" put "$S" 1048576 "$W/in" "$u"
done
check "plumb spool list" "$PLUMB" spool list --config "$W/agent.conf"
check "list: oldest first" sh -c "head -1 '$W/last' | grep -q \
    '^1	11111111-1111-4111-8111-111111111111	300000	0000000000000001-'"
check "list: summary" grep -qx \
    "2 bundles, 600000 bytes, 0 dropped to respect max_bytes" "$W/last"
# A third and fourth 300000-byte bundle exceed 1M: the oldest goes.
for u in 33333333-3333-4333-8333-333333333333 \
    44444444-4444-4444-8444-444444444444; do
	cp "$W/src" "$W/in"
	check "put $u" "$TOOL" put "$S" 1048576 "$W/in" "$u"
done
check "drop warned" grep -q "dropped oldest bundle 0000000000000001-" \
    "$W/last"
check "plumb spool list after drop" "$PLUMB" spool list \
    --config "$W/agent.conf"
check "list: 3 left, 1 dropped" grep -qx \
    "3 bundles, 900000 bytes, 1 dropped to respect max_bytes" "$W/last"
check "list: oldest is now the second" sh -c "head -1 '$W/last' | grep -q \
    '^2	22222222-'"
check "plumb spool purge" "$PLUMB" spool purge --config "$W/agent.conf"
check "purge: count" grep -qx "3 bundles removed" "$W/last"
check "plumb spool list (empty)" "$PLUMB" spool list --config "$W/agent.conf"
check "list: empty" grep -q "^0 bundles, 0 bytes" "$W/last"
refuse "unknown action" "$PLUMB" spool shuffle --config "$W/agent.conf"
printf '[spool]\nmax_bytes = lots\n' >"$W/bad.conf"
refuse "bad config" "$PLUMB" spool list --config "$W/bad.conf"
check "bad config: file, line, key" grep -q \
    "bad.conf:2: \[spool\] max_bytes: \"lots\" is not a size" "$W/last"
refuse "missing config" "$PLUMB" spool list --config "$W/none.conf"
check "missing config: named" grep -q "none.conf: cannot read" "$W/last"

# --- kill -9 during spool_put, 50 times
# Copying from another file system is the slow path with a temporary
# file; use /dev/shm for the sources when it is another file system.
K=$W/kspool
srcdir=$W
if [ -d /dev/shm ] && [ "$(stat -c %d /dev/shm)" != "$(stat -c %d "$W")" ]; then
	srcdir=$(mktemp -d /dev/shm/plumb-delivery.XXXXXX)
	cleanup_hook="rm -rf '$srcdir'"
fi
head -c 2000000 /dev/urandom >"$srcdir/big"
run=0
while [ $run -lt 50 ]; do
	"$TOOL" put-loop "$K" "$srcdir/big" >/dev/null 2>&1 &
	pid=$!
	# 0 to 99 ms
	sleep "0.0$(od -An -N1 -tu1 /dev/urandom | tr -d ' ' | cut -c1)"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	for f in "$K"/[0-9]*.p7m; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$srcdir/big" || bad "run $run: partial $f"
	done
	rm -f "$srcdir"/big.*
	run=$((run + 1))
done
ok
final=$(find "$K" -name '[0-9]*.p7m' | wc -l)
check "list after the kills" "$TOOL" list "$K"
# Count the "SEQ UUID SIZE" lines only: the warnings about stale
# temporary files removed at open go to the same capture.
check "every complete bundle listed" test \
    "$(grep -cE '^[0-9]+ [0-9a-f-]{36} [0-9]+$' "$W/last")" \
    -eq "$final"
check "temporary files removed at open" test \
    "$(find "$K" -name '.tmp-*' | wc -l)" -eq 0
echo "kill -9 runs: 50, bundles spooled: $final"

finish
