#!/usr/bin/env python3
"""Checks the folder layering of specavg's sources: every #include "specavg/<area>/..."
from src/<a> or include/specavg/<a> must point to an area allowed below <a>, so the
areas form a DAG. The numerical core (util, basis, group, estimate) must not see MPI,
PETSc, SLEPc or HDF5 headers. Usage: check_layers.py SOURCE_DIR (exit 1 on violation)."""
import pathlib
import re
import sys

# area -> areas it may include (besides itself)
ALLOWED = {
    "util": set(),
    "basis": {"util"},
    "group": {"basis", "util"},
    "estimate": {"basis", "group", "util"},
    "comm": {"util"},
    "io": {"comm", "util", "basis", "group", "estimate"},
    "parallel": {"comm", "io", "util", "basis", "group", "estimate"},
    "app": {"parallel", "comm", "io", "util", "basis", "group", "estimate"},
}
CORE = {"util", "basis", "group", "estimate"}
FORBIDDEN_IN_CORE = re.compile(r'#include\s*[<"](mpi\.h|petsc\w*\.h|slepc\w*\.h|hdf5\w*\.h|netcdf\w*\.h)[>"]')
INCLUDE = re.compile(r'#include\s*"specavg/(\w+)/')


def main(root: pathlib.Path) -> int:
    bad = []
    for top in (root / "src", root / "include" / "specavg"):
        for f in sorted(top.rglob("*.[ch]pp")):
            area = f.relative_to(top).parts[0]
            if area not in ALLOWED:
                bad.append(f"{f}: folder '{area}' has no place in the layer table of {__file__}")
                continue
            text = f.read_text()
            for target in INCLUDE.findall(text):
                if target != area and target not in ALLOWED[area]:
                    bad.append(f"{f}: '{area}' must not include specavg/{target}/")
            if area in CORE:
                for m in FORBIDDEN_IN_CORE.finditer(text):
                    bad.append(f"{f}: the core area '{area}' must not include <{m.group(1)}>")
    for line in bad:
        print(line)
    print(f"layers: {len(bad)} violation(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
