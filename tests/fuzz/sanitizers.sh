#!/bin/sh
# sanitizers.sh - the whole "make check" suite under AddressSanitizer
# (leak detection on) and UndefinedBehaviorSanitizer.
#
# usage: sanitizers.sh [BUILD_DIR [MAKE_CHECK_ARGS...]]
#
# Configures plumb with --enable-werror --enable-sanitizers out of tree
# in BUILD_DIR (default ./sanitizers-build; from a cleaned copy of the
# sources when they are configured in-tree, see lib.sh), builds it and
# runs "make check" there (FUZZ_JOBS parallel jobs, default 2), with
# every sanitizer report fatal.  Extra arguments go to make check (e.g.
# TESTS='tests/unit/check_cmp').  On failure prints the failing tests'
# logs and exits 1.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-sanitizers-build}
[ $# -gt 0 ] && shift
jobs=${FUZZ_JOBS:-2}

mkdir -p "$build"
build=$(cd "$build" && pwd)
. "$here/lib.sh"
cfgsrc=$(fuzz_srcdir "$src" "$build/src")
mkdir -p "$build/obj"
cd "$build/obj"
if [ ! -f Makefile ] || [ "$cfgsrc/configure" -nt Makefile ]; then
	echo "==== configure --enable-sanitizers ($build/obj)"
	"$cfgsrc/configure" --enable-werror --enable-sanitizers \
	    >configure.log 2>&1 || { cat configure.log >&2; exit 1; }
fi

# detect_leaks: LeakSanitizer on (the default on x86_64, said anyway);
# any report ends the process with an error so that the test fails.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=1
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Leaks inside libraries, each explained in the file.
LSAN_OPTIONS=suppressions=$here/lsan.supp:print_suppressions=0
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
# ASan's shadow memory and quarantine roughly triple a process's peak
# RSS and slow it several times: the hostile-input tests' resource
# bounds are for the normal build, so widen them here.
HOSTILE_RSS_KB=1048576
HOSTILE_TIMEOUT=120
SECURITY_RSS_SCALE=4
SECURITY_TIME_SCALE=3
export HOSTILE_RSS_KB HOSTILE_TIMEOUT SECURITY_RSS_SCALE SECURITY_TIME_SCALE

echo "==== make"
make -j"$jobs" >make.log 2>&1 || { tail -n 60 make.log >&2; exit 1; }
echo "==== make check $*"
start=$(date +%s)
rc=0
make -j"$jobs" check "$@" >check.log 2>&1 || rc=$?
echo "==== $(($(date +%s) - start)) seconds"
grep -E '^(# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR)|(FAIL|ERROR|XPASS): )' \
    check.log || true
if [ "$rc" -ne 0 ]; then
	# A build error has no .trs: show the end of the make output.
	tail -n 20 check.log
	find . -name '*.trs' | while IFS= read -r trs; do
		if grep -Eq '^:test-result: (FAIL|ERROR|XPASS)' "$trs"; then
			echo "======== ${trs%.trs}.log"
			tail -n 80 "${trs%.trs}.log" 2>/dev/null || true
		fi
	done
	echo "sanitizers.sh: make check failed under the sanitizers" >&2
	exit 1
fi
echo "==== sanitizer suite passed"
