#!/usr/bin/env bash
# Runs one inputs/*.opts file at a reduced size in a fresh scratch directory (the file's
# own relative output paths, such as build/bench/s2.csv, land there and their missing
# directories must be created by specavg), then checks that its output was written.
# usage: run_option_file.sh EXE SCRATCH OPTS_FILE SUBCOMMAND|- EXPECTED_OUTPUT MPIEXEC... -- OVERRIDES...
set -euo pipefail
exe=$1 dir=$2 opts=$3 sub=$4 expected=$5
shift 5
mpi=()
while [ "$1" != "--" ]; do mpi+=("$1"); shift; done
shift
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
S=("${mpi[@]}" -n 2 "$exe")
args=()
if [ "$sub" = train ]; then
  # Training option files take -data and -model on the command line (see their header).
  group=$(sed -n 's/^-group[[:space:]]\+//p' "$opts")
  "${S[@]}" synth -group "$group" -n 3000 -noise 0.05 -seed 3 -output train.h5 >synth.log
  args=(-data train.h5 -model model.h5)
fi
[ "$sub" = - ] && sub=()
"${S[@]}" ${sub[@]+"${sub[@]}"} -options_file "$opts" "${args[@]}" "$@" >run.log 2>&1 || { cat run.log; exit 1; }
cat run.log
test -s "$expected" || { echo "expected output $expected was not written" >&2; exit 1; }
if [[ "$expected" == *.csv ]]; then
  grep -q ',ok$' "$expected" || { echo "no successful row in $expected" >&2; exit 1; }
fi
if grep -q "was not used" run.log; then echo "unused options (see above)" >&2; exit 1; fi
