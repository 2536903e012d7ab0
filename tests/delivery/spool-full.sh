#!/bin/sh
# spool-full.sh - a full disk: spool_put fails with ENOSPC reported and
# the bundles already spooled stay intact and readable.  Needs to mount
# a 1 MiB tmpfs (root); skipped (77) when that is not permitted.
set -u
. "$(dirname "$0")/lib.sh"

M=$W/small
mkdir "$M"
if ! mount -t tmpfs -o size=1m tmpfs "$M" 2>/dev/null; then
	echo "SKIP: cannot mount a tmpfs (not root?)"
	exit 77
fi
cleanup_hook="umount '$M'"
S=$M/spool

i=0
for u in 11111111-1111-4111-8111-111111111111 \
    22222222-2222-4222-8222-222222222222; do
	head -c 200000 /dev/urandom >"$W/keep$i"
	cp "$W/keep$i" "$W/in"
	check "put $u" "$TOOL" put "$S" 0 "$W/in" "$u"
	i=$((i + 1))
done
head -c 2000000 /dev/urandom >"$W/huge"
refuse "put on a full disk" "$TOOL" put "$S" 0 "$W/huge" \
    33333333-3333-4333-8333-333333333333
check "ENOSPC reported" grep -q "No space left on device" "$W/last"
check "source kept after the failure" cmp -s "$W/huge" "$W/huge"
check "source still there" test -f "$W/huge"
check "no temporary file left" test \
    "$(find "$S" -name '.tmp-*' | wc -l)" -eq 0
check "list after the failure" "$TOOL" list "$S"
check "two bundles listed" test "$(grep -c -- '-4' "$W/last")" -eq 2
check "first bundle intact" cmp "$W/keep0" \
    "$S/0000000000000001-11111111-1111-4111-8111-111111111111.p7m"
check "second bundle intact" cmp "$W/keep1" \
    "$S/0000000000000002-22222222-2222-4222-8222-222222222222.p7m"
# After freeing space a put works again.
rm -f "$S/0000000000000001-11111111-1111-4111-8111-111111111111.p7m"
head -c 100000 /dev/urandom >"$W/in"
check "put after freeing space" "$TOOL" put "$S" 0 "$W/in" \
    44444444-4444-4444-8444-444444444444
check "sequence continues" test -f \
    "$S/0000000000000003-44444444-4444-4444-8444-444444444444.p7m"

finish
