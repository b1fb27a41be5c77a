#!/usr/bin/env bash
# Install what is missing, build, and run the default job on 2 MPI ranks: learn an
# exactly I_h-invariant field on S² from 10^6 noisy samples, then predict and evaluate.
# Extra arguments go to specavg (e.g. -n 200000, -lmax 30, -help).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SPECAVG_ROOT"
"${SPECAVG_MPIEXEC[@]}" -n 2 "$SPECAVG_BUILD/specavg" -workdir "$SPECAVG_BUILD/specavg-run" "$@"
