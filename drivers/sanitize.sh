#!/usr/bin/env bash
# The unit and MPI suites (ctest labels unit, mpi) under AddressSanitizer and
# UndefinedBehaviorSanitizer, in their own build tree build-asan/ (RelWithDebInfo,
# -DSPECAVG_SANITIZE=ON). Only the two test programs are built. An invalid access,
# undefined behaviour or a leak not suppressed in tests/sanitize/lsan.supp fails a test,
# and so this script. Needs the packages drivers/setup.sh installs; extra arguments go
# to ctest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SPECAVG_ASAN_BUILD:-$root/build-asan}
start=$SECONDS

echo "[sanitize] configuring and building the unit and MPI tests in $build"
mkdir -p "$build"
cmake -S "$root" -B "$build" -DSPECAVG_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  >"$build/configure.log" 2>&1 || { cat "$build/configure.log" >&2; exit 1; }
cmake --build "$build" -j "$(nproc)" --target specavg_unit_tests specavg_mpi_tests
built=$SECONDS

cd "$build"
ctest -L '^(unit|mpi)$' -j "$(nproc)" --output-on-failure "$@"
echo "[sanitize] no sanitizer finding: build $((built - start)) s, tests $((SECONDS - built)) s"
