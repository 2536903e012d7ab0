#!/bin/sh
# hardening.sh - the built binaries carry the hardening configure chose
# (configure.ac "hardening"): a stack protector, fortified libc calls,
# PIE, full RELRO and a non-executable stack.  What configure chose is
# read from the generated Makefile, so a compiler that lacks a flag is
# not failed for it; with --disable-hardening nothing is checked but
# the binaries exist.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
. "$top_srcdir/tests/tap.sh"

if ! command -v readelf >/dev/null 2>&1; then
	echo "SKIP: readelf not installed"
	exit 77
fi
mk=$top_builddir/Makefile
cflags=$(sed -n 's/^HARDEN_CFLAGS = //p' "$mk")
ldflags=$(sed -n 's/^HARDEN_LDFLAGS = //p' "$mk")
has() {
	case " $1 " in *" $2 "*) return 0 ;; esac
	return 1
}

# An agent-only build (configure --disable-collector) has plumb alone.
bins="plumb plumb-collector"
[ "${PLUMB_WITH_COLLECTOR:-yes}" = no ] && bins=plumb
nbins=$(echo $bins | wc -w)
for b in $bins; do
	f=$top_builddir/$b
	if [ ! -x "$f" ]; then
		not_ok "$b: built"
		continue
	fi
	ok "$b: built"
	has "$cflags" -fstack-protector-strong &&
	    check "$b: stack protector" \
		sh -c "readelf --dyn-syms -W '$f' | grep -q __stack_chk_fail"
	has "$cflags" -D_FORTIFY_SOURCE=3 &&
	    check "$b: fortified libc calls" \
		sh -c "readelf --dyn-syms -W '$f' | grep -q '__[a-z0-9_]*_chk'"
	has "$ldflags" -pie &&
	    check "$b: position independent (DYN)" \
		sh -c "readelf -h '$f' | grep -q 'Type: *DYN'"
	has "$ldflags" -Wl,-z,relro &&
	    check "$b: RELRO segment" \
		sh -c "readelf -l -W '$f' | grep -q GNU_RELRO"
	has "$ldflags" -Wl,-z,now &&
	    check "$b: bound now (full RELRO)" \
		sh -c "readelf -d -W '$f' | grep -Eq 'BIND_NOW|FLAGS.*NOW'"
	has "$ldflags" -Wl,-z,noexecstack &&
	    check "$b: stack not executable" \
		sh -c "readelf -l -W '$f' | grep GNU_STACK | grep -vq RWE"
done
# Each binary and, when configure enabled hardening, the checks of
# each (five at least): fewer means the Makefile was not read.
min=$nbins
[ -n "$ldflags" ] && min=$((nbins * 5))
if [ $((passed + failed)) -lt "$min" ]; then
	not_ok "ran $((passed + failed)) checks, expected at least $min"
fi
finish
