#!/usr/bin/env python3
"""Draws the model-selection curve stored in a specavg model file (group `selection/`):
the criterion score against tau, one curve per candidate cutoff, the chosen point marked.
For the spectral estimator (no tau) the score is drawn against the cutoff.

usage: drivers/plot_cv.py MODEL.h5 OUT.png [--target J]
Needs Debian's python3-h5py and python3-matplotlib."""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--target", type=int, default=0, help="target (column of values) to draw, default 0")
    a = ap.parse_args()
    with h5py.File(a.model, "r") as f:
        if "selection" not in f:
            print(f"{a.model}: no 'selection' group: train with -select gcv|kfold|loo", file=sys.stderr)
            return 1
        s = f["selection"]
        crit = s.attrs["criterion"]
        crit = crit.decode() if isinstance(crit, bytes) else str(crit)
        taus = s["taus"][()]
        labels = [x.decode() if isinstance(x, bytes) else str(x) for x in s["cutoff_labels"][()]]
        scores = s["scores"][()]  # cutoffs x taus x targets
        k = scores.shape[2]
        if not 0 <= a.target < k:
            print(f"--target {a.target}: the model has {k} target(s)", file=sys.stderr)
            return 1
        ci = int(s["chosen_cutoff_index"][a.target])
        ti = int(s["chosen_tau_index"][a.target])
        group = f.attrs.get("group_spec", b"")
        group = group.decode() if isinstance(group, bytes) else str(group)
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    if len(taus) == 1:
        ax.plot(range(len(labels)), scores[:, 0, a.target], "o-")
        ax.plot([ci], [scores[ci, 0, a.target]], "r*", ms=14, label=f"chosen: {labels[ci]}")
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, rotation=60, fontsize=7)
        ax.set_xlabel("cutoff")
    else:
        for c, lab in enumerate(labels):
            ax.loglog(taus, scores[c, :, a.target], lw=1.5 if c == ci else 0.7, label=lab if c == ci else None,
                      color=plt.cm.viridis(c / max(1, len(labels) - 1)))
        ax.loglog([taus[ti]], [scores[ci, ti, a.target]], "r*", ms=14,
                  label=f"chosen: {labels[ci]}, tau = {taus[ti]:.2e}")
        ax.set_xlabel("tau")
        sm = plt.cm.ScalarMappable(cmap="viridis", norm=plt.Normalize(0, len(labels) - 1))
        cb = fig.colorbar(sm, ax=ax)
        cb.set_label(f"cutoff index ({labels[0]} .. {labels[-1]})")
    ax.set_ylabel(f"{crit} score (weighted mean squared error)")
    ax.set_title(f"{group}: {crit} selection, target {a.target}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(a.out, dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main())
