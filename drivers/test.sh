#!/usr/bin/env bash
# Install what is missing, build, and run the whole test suite (unit, MPI at 1/2/3 ranks,
# command-line errors, installed-package consumer) through ctest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SPECAVG_BUILD"
ctest --output-on-failure "$@"
