#!/usr/bin/env bash
# Shared set-up for quickstart.sh and test.sh: install missing Debian packages (when
# root), then configure and build specavg in build/. Source it; it defines SPECAVG_ROOT,
# SPECAVG_BUILD and SPECAVG_MPIEXEC (an array with the flags this machine needs).
set -euo pipefail

SPECAVG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SPECAVG_BUILD=${SPECAVG_BUILD:-$SPECAVG_ROOT/build}
# README.md's package list must match this one (ctest readme_packages).
SPECAVG_PACKAGES=(cmake g++ make pkg-config git openmpi-bin libopenmpi-dev petsc-dev slepc-dev
                  libhdf5-openmpi-dev libnetcdf-mpi-dev libopenblas-dev libgtest-dev python3-matplotlib
                  libcfitsio-dev libhealpix-cxx-dev python3-healpy python3-h5py healpy-data python3-netcdf4
                  libncarg-data netcdf-bin libsharp-dev libscalapack-openmpi-dev)

missing=()
for p in "${SPECAVG_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "[setup] installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "[setup] missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

echo "[setup] configuring and building in $SPECAVG_BUILD"
mkdir -p "$SPECAVG_BUILD"
cmake -S "$SPECAVG_ROOT" -B "$SPECAVG_BUILD" -DCMAKE_BUILD_TYPE=Release >"$SPECAVG_BUILD/configure.log" 2>&1 ||
  { cat "$SPECAVG_BUILD/configure.log" >&2; exit 1; }
cmake --build "$SPECAVG_BUILD" -j "$(nproc)"

SPECAVG_MPIEXEC=(mpiexec --oversubscribe)
[ "$(id -u)" -eq 0 ] && SPECAVG_MPIEXEC+=(--allow-run-as-root)
# One rank per core: keep OpenBLAS single-threaded unless the user says otherwise.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}

# Replaces the text between <!-- NAME:begin --> and <!-- NAME:end --> in README.md with
# the contents of FILE (the drivers' --readme option).
specavg_readme_block() {
  /usr/bin/python3 - "$SPECAVG_ROOT/README.md" "$1" "$2" <<'PY'
import sys
readme, name, res = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().strip()
text = open(readme).read()
b, e = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
i, j = text.index(b) + len(b), text.index(e)
open(readme, "w").write(text[:i] + "\n" + res + "\n" + text[j:])
PY
}
