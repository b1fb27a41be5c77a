#!/usr/bin/env bash
# `specavg <subcommand> -help` exits 0 without doing any work (no output file even when
# one is named), and lists the subcommand's own options; an unknown option is refused by name.
# usage: check_help.sh EXE SCRATCH MPIEXEC...
set -euo pipefail
exe=$1 dir=$2
shift 2
mpi=("$@")
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
fail=0
check() {  # check SUBCOMMAND "OUTPUT OPTION ARGS" OPTIONS...
  local sub=$1 outargs=$2
  shift 2
  local out
  # shellcheck disable=SC2086
  if ! out=$("${mpi[@]}" -n 2 "$exe" $sub -help $outargs 2>&1); then
    echo "FAIL: specavg $sub -help exited non-zero:"; echo "$out"; fail=1; return
  fi
  for opt in "$@"; do
    if ! grep -q -- "$opt\b" <<<"$out"; then echo "FAIL: specavg $sub -help does not list $opt"; fail=1; fi
  done
  for f in help_out.h5 help_out.h5.tmp help_out.csv; do
    if [ -e "$f" ]; then echo "FAIL: specavg $sub -help wrote $f"; fail=1; rm -f "$f"; fi
  done
}
check synth "-output help_out.h5" -n -noise -seed -output -target -group -manifold -dim
check train "-model help_out.h5" -data -model -group -lmax -lambda_max -nbasis -estimator -tau -sobolev_s -method
check predict "-output help_out.h5" -model -points -output
check eval "" -model -data -id_points
check info "" -model -group -lmax -order
check bench "-bench_output help_out.csv" -bench_methods -bench_groups -bench_n -bench_output
# An option no subcommand reads (a typo of -lmax) is refused by name before any work.
if out=$("${mpi[@]}" -n 2 "$exe" info -group D3 -lmax 4 -lmx 10 2>&1); then
  echo "FAIL: info with an unknown option -lmx exited 0:"; echo "$out"; fail=1
elif ! grep -q -- "-lmx" <<<"$out"; then
  echo "FAIL: the unknown option -lmx is not named:"; echo "$out"; fail=1
fi
exit $fail
