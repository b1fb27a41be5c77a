#!/usr/bin/env bash
# Runs the subcommands' success paths through the real executable in a fresh scratch
# directory, for tests/cli/check_commands.cpp to check with numbers (same settings).
# usage: run_commands.sh SPECAVG_EXE SCRATCH_DIR MPIEXEC [MPIEXEC FLAGS...]
set -euo pipefail
exe=$1 dir=$2
shift 2
mpi=("$@")
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
S=("${mpi[@]}" -n 2 "$exe")
"${S[@]}" synth -group D3 -n 3000 -noise 0.05 -seed 5 -output train.h5 >synth.log
"${mpi[@]}" -n 1 "$exe" synth -group D3 -n 3000 -noise 0.05 -seed 5 -output train_np1.h5 >synth_np1.log
"${S[@]}" synth -group D3 -n 1000 -noise 0.05 -seed 6 -output test.h5 >synth_test.log
"${S[@]}" train -data train.h5 -group D3 -lmax 12 -tau 1e-6 -model model.h5 >train.log
"${S[@]}" predict -model model.h5 -points test.h5 -output pred.h5 >predict.log
"${S[@]}" eval -model model.h5 -data test.h5 >eval.log
"${S[@]}" info -model model.h5 >info.log
"${S[@]}" info -group D3 -lmax 12 >info_group.log
"${S[@]}" info -manifold sphere -dim 20 -group Sym -lmax 8 -basis_method ring >info_ring20.log
"${S[@]}" info -manifold sphere -dim 5 -group Hyperoct -lmax 8 -basis_method ring >info_ring5.log
"${S[@]}" info -manifold sphere -dim 5 -group Hyperoct -lmax 8 -basis_method dense >info_dense5.log
# The ring route on the torus (|k|^2 <= 8: lambda_max 79 > 8 pi^2) and a model trained by auto.
"${S[@]}" info -manifold torus -dim 6 -group Hyperoct -lambda_max 79 -basis_method ring >info_tring6.log
"${S[@]}" info -manifold torus -dim 6 -group Hyperoct -lambda_max 79 -basis_method dense >info_tdense6.log
"${S[@]}" synth -manifold torus -dim 4 -group Sym -n 2000 -noise 0.01 -seed 7 -output tsym.h5 >synth_tsym.log
"${S[@]}" train -data tsym.h5 -manifold torus -group Sym -lambda_max 79 -model tsym_model.h5 >train_tsym.log
"${S[@]}" info -model tsym_model.h5 >info_tsym_model.log
"${S[@]}" info -manifold torus -dim 4 -group Sym -lambda_max 79 -basis_method dense >info_tsym_dense.log
