#!/usr/bin/env bash
# The invariant-ring route on the torus (mode orbits, group/torus_orbits.hpp) against the
# eigenspace route (sparse actions, dense solves per orbit block), one core each, in the
# same process: basis time and invariant features per point (specavg_bench_ring torus).
# Rows: T^6 and T^8 under Hyperoct and Sym at cutoffs where the eigenspace route's blocks
# stay within its dense limit, then the mode orbits alone on shells of millions of modes
# (T^12 and T^16), where the eigenspace route's blocks exceed that limit.
# Usage: drivers/bench_ring_torus.sh [--readme]   Results: build/bench-ring/torus.md; with
# --readme the table between the bench-ring-torus markers of README.md is replaced by it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
out="$SPECAVG_BUILD/bench-ring"
mkdir -p "$out"
b="$SPECAVG_BUILD/specavg_bench_ring"
{
  echo "Measured by \`drivers/bench_ring_torus.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, shared; one core per run)."
  echo
  echo "| measurement | result |"
  echo "|---|---|"
  "$b" torus 6 Hyperoct 12 20000
  "$b" torus 6 Sym 12 20000
  "$b" torus 8 Hyperoct 7 20000
  "$b" torus 8 Sym 7 20000
  "$b" torus 12 Hyperoct 16 20000 ring
  "$b" torus 16 Sym 8 20000 ring
} >"$out/torus.md"
cat "$out/torus.md"

if [ "${1:-}" = "--readme" ]; then specavg_readme_block bench-ring-torus "$out/torus.md"; fi
