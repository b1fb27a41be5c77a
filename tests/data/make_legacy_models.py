#!/usr/bin/env python3
"""Writes the legacy model files tests/data/model_v1.h5 and model_v2.h5 from a current
S^2 model (e.g. tests/data/model_v3.h5, written by `specavg train`), following the layouts the
format-1 and format-2 writers produced, so the readers of those formats stay tested.

    python3 tests/data/make_legacy_models.py tests/data/model_v3.h5 tests/data

Format 2 is format 3 without the `method` attribute (every model was spectral averaging).
Format 1 knew S^2 only: manifold "sphere", dim 3, an `lmax` attribute instead of `cutoff`,
no basis/labels, eigenvalues, multiplicities or residuals, `dharm` instead of `dtotal`,
`feature_degree` instead of `feature_label`.
"""
import sys

import h5py
import numpy as np


def copy_provenance(src, dst):
    p = dst.create_group("provenance")
    for k, v in src["provenance"].attrs.items():
        p.attrs[k] = v
    # Timings were stored with creation order tracked (pipeline order).
    t = p.create_group("timings", track_order=True)
    for k, v in src["provenance/timings"].attrs.items():
        t.attrs[k] = v


def write_v2(src, path):
    with h5py.File(path, "w") as f:
        for k in ("format", "manifold", "dim", "cutoff", "group_spec", "estimator", "tau", "sobolev_s",
                  "ntargets", "dinv", "dtotal"):
            f.attrs[k] = src.attrs[k]
        f.attrs["format_version"] = 2
        f.create_dataset("group/generators", data=src["group/generators"][...])
        for name in ("labels", "eigenvalues", "multiplicities", "invariant_counts", "residuals"):
            f.create_dataset("basis/" + name, data=src["basis/" + name][...])
        for label, q in src["basis/Q"].items():
            f.create_dataset("basis/Q/" + label, data=q[...])
        for name in ("coefficients", "feature_label", "feature_eigenvalue"):
            f.create_dataset(name, data=src[name][...])
        copy_provenance(src, f)


def write_v1(src, path):
    labels = src["basis/labels"][...]
    lmax = int(labels.max())
    assert src.attrs["manifold"] == "s2" and list(labels) == list(range(lmax + 1)), "format 1 holds S^2 only"
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "specavg-model"
        f.attrs["format_version"] = 1
        f.attrs["manifold"] = "sphere"
        f.attrs["dim"] = 3
        f.attrs["lmax"] = lmax
        for k in ("group_spec", "estimator", "tau", "sobolev_s", "ntargets", "dinv"):
            f.attrs[k] = src.attrs[k]
        f.attrs["dharm"] = (lmax + 1) ** 2
        f.create_dataset("group/generators", data=src["group/generators"][...])
        f.create_dataset("basis/invariant_counts", data=src["basis/invariant_counts"][...].astype(np.int64))
        for label, q in src["basis/Q"].items():
            f.create_dataset("basis/Q/" + label, data=q[...])
        f.create_dataset("coefficients", data=src["coefficients"][...])
        f.create_dataset("feature_degree", data=src["feature_label"][...].astype(np.int64))
        f.create_dataset("feature_eigenvalue", data=src["feature_eigenvalue"][...])
        copy_provenance(src, f)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make_legacy_models.py MODEL_V3.h5 OUTDIR")
    with h5py.File(sys.argv[1], "r") as src:
        if src.attrs.get("method", "specavg") != "specavg":
            sys.exit("the source model must be a spectral-averaging model (method specavg)")
        write_v2(src, sys.argv[2] + "/model_v2.h5")
        write_v1(src, sys.argv[2] + "/model_v1.h5")


if __name__ == "__main__":
    main()
