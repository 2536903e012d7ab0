#!/bin/sh
# build.sh - build the libFuzzer harnesses of tests/fuzz.
#
# usage: build.sh [BUILD_DIR]
#
# Configures a separate out-of-tree build of plumb in BUILD_DIR (default
# ./fuzz-build) with clang, ASan, UBSan and the libFuzzer coverage
# instrumentation (-fsanitize=fuzzer-no-link), builds libplumb.a and the
# collector's objects there, then links each tests/fuzz/fuzz_*.c with
# -fsanitize=fuzzer into BUILD_DIR/fuzz/.  Also makes the fixed test PKI
# (tests/pki/make-pki.sh) the bundle harness signs and verifies with, in
# BUILD_DIR/fuzz/pki, once.  When the source tree is itself configured
# in-tree, it builds from a cleaned copy in BUILD_DIR/src (lib.sh).
# Exit 77 when clang or libFuzzer is missing.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-fuzz-build}
CC=${FUZZ_CC:-clang}
SAN='-fsanitize=fuzzer-no-link,address,undefined'
SAN="$SAN -fno-sanitize-recover=undefined"

if ! command -v "$CC" >/dev/null 2>&1; then
	echo "build.sh: $CC not found (apt-get install clang)" >&2
	exit 77
fi
"$CC" --version | head -n 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cat >"$tmp/probe.c" <<'C'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return d && n; }
C
if ! "$CC" -fsanitize=fuzzer,address,undefined "$tmp/probe.c" \
    -o "$tmp/probe" >/dev/null 2>&1; then
	echo "build.sh: $CC cannot link -fsanitize=fuzzer" \
	    "(Debian: apt-get install clang libclang-rt-dev)" >&2
	exit 77
fi

mkdir -p "$build"
build=$(cd "$build" && pwd)
. "$here/lib.sh"
cfgsrc=$(fuzz_srcdir "$src" "$build/src")
cd "$build"
# Reconfigure only when the build dir is new or configure changed.
if [ ! -f Makefile ] || [ "$cfgsrc/configure" -nt Makefile ]; then
	echo "==== configure ($build, sources $cfgsrc)"
	"$cfgsrc/configure" CC="$CC" CFLAGS="-g -O1 $SAN" \
	    LDFLAGS="-fsanitize=address,undefined" >configure.log 2>&1 || {
		cat configure.log >&2
		exit 1
	}
fi
# plumb, delivery-tool and the plant data stream make seed corpora
# (run.sh).
echo "==== make libplumb.a libcommon.a plumb plumb-collector delivery-tool"
jobs=${FUZZ_JOBS:-2}
make -j"$jobs" libplumb.a libcommon.a plumb plumb-collector \
    tests/delivery/delivery-tool benchmarks/plant/plumb-plant-ds.xml >make.log 2>&1 || {
	tail -n 50 make.log >&2
	exit 1
}

# The flags automake worked out, read from the generated Makefile.
cat >"$tmp/print.mk" <<'MK'
print-%:
	@printf '%s\n' '$($*)'
MK
# (Under "make fuzz" MAKEFLAGS would add "Entering directory" lines.)
mkvar() {
	MAKEFLAGS= MFLAGS= make -s --no-print-directory -f Makefile \
	    -f "$tmp/print.mk" "print-$1" | tail -n 1
}
cppflags="-I$build -I$cfgsrc/collector $(mkvar AM_CPPFLAGS)"
plumb_libs=$(mkvar PLUMB_LIBS)
collector_cflags="$(mkvar LIBEVENT_CFLAGS) $(mkvar JANSSON_CFLAGS)
    $(mkvar SQLITE3_CFLAGS)"
collector_libs=$(mkvar COLLECTOR_LIBS)
# The collector's modules (built above with the collector's own flags):
# libcollector.a when the build has it, else its objects but main().
if [ -n "$(mkvar libcollector_a_OBJECTS)" ] && [ -f libcollector.a ]; then
	cobj=libcollector.a
else
	cobj=$(mkvar plumb_collector_OBJECTS | tr ' ' '\n' |
	    grep -v 'plumb_collector-main\.o$' | tr '\n' ' ')
fi
[ -n "$cobj" ] || { echo "build.sh: no collector objects" >&2; exit 1; }

mkdir -p fuzz
# The fixed test PKI of the bundle harness (made once).
if [ ! -f fuzz/pki/ca.pem ]; then
	echo "==== test PKI"
	sh "$src/tests/pki/make-pki.sh" fuzz/pki
fi
for f in "$here"/fuzz_*.c; do
	name=$(basename "$f" .c)
	echo "==== $name"
	# shellcheck disable=SC2086
	"$CC" -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -Wall -Wextra -Werror \
	    -DFUZZ_SRCDIR="\"$cfgsrc\"" -DFUZZ_PKI="\"$build/fuzz/pki\"" \
	    $cppflags $collector_cflags -o "fuzz/$name" "$f" \
	    $cobj libplumb.a libcommon.a $plumb_libs $collector_libs -lz -lm
done

echo "==== harnesses in $build/fuzz"
