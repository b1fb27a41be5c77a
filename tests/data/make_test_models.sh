#!/usr/bin/env bash
# Regenerates the committed model files of tests/data/: a small S^2 model under D3 (lmax 8,
# noise-free group-averaged bumps) in the current format, then the same model in the
# legacy formats 1 and 2 (model_v<format>.h5). Run from the repository root after building:
#   bash tests/data/make_test_models.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
S=(mpiexec --oversubscribe -n 2 build/specavg)
[ "$(id -u)" -eq 0 ] && S=(mpiexec --oversubscribe --allow-run-as-root -n 2 build/specavg)
"${S[@]}" synth -group D3 -n 4000 -noise 0 -seed 8 -output "$tmp/train.h5"
"${S[@]}" train -data "$tmp/train.h5" -group D3 -lmax 8 -tau 1e-8 -model "$tmp/model.h5"
v=$(/usr/bin/python3 -c 'import h5py, sys; print(int(h5py.File(sys.argv[1], "r").attrs["format_version"]))' "$tmp/model.h5")
cp "$tmp/model.h5" "tests/data/model_v$v.h5"
/usr/bin/python3 tests/data/make_legacy_models.py "tests/data/model_v$v.h5" tests/data
ls -l tests/data/*.h5
