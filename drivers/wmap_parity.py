#!/usr/bin/env python3
"""Even/odd power of the WMAP sky from the two specavg models of drivers/wmap_parity.sh.

usage: wmap_parity.py OUTDIR FIGDIR DATA.fits MASK.fits

A model's features are orthonormal (normalized measure on S²) inside each degree l, so
the mean square of its degree-l component is P_l = sum of its squared coefficients with
feature_label l, and C_l = 4 pi P_l / (2l + 1) in the map's units squared (healpy's
convention). D_l = l(l+1) C_l / (2 pi). The parity statistic is
R(L) = sum_{2<=l<=L, l even} D_l / sum_{3<=l<=L, l odd} D_l (Kim & Naselsky 2010).
Prints the table, writes OUTDIR/parity.csv, FIGDIR/wmap_parity_spectrum.png and
FIGDIR/wmap_parity_maps.png.
"""
import csv
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import healpy as hp  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

LMAX = 64


def spectrum(model):
    with h5py.File(model) as f:
        a = f["coefficients"][:, 0]
        lab = f["feature_label"][()]
        tau = float(f.attrs["tau"])
    P = np.bincount(lab, weights=a * a, minlength=LMAX + 1)[: LMAX + 1]
    l = np.arange(LMAX + 1)
    C = 4 * np.pi * P / (2 * l + 1)
    return C, tau


def ratio(D, L, even_from=None):
    l = np.arange(LMAX + 1)
    De = D if even_from is None else even_from
    sel = (l >= 2) & (l <= L)
    return De[sel & (l % 2 == 0)].sum() / D[sel & (l % 2 == 1)].sum()


def main():
    out, figs, data, mask = sys.argv[1:5]
    l = np.arange(LMAX + 1)
    C_all, tau_all = spectrum(f"{out}/C1.h5")
    C_even, tau_even = spectrum(f"{out}/Ci.h5")
    D_all, D_even = l * (l + 1) * C_all / (2 * np.pi), l * (l + 1) * C_even / (2 * np.pi)
    odd_in_ci = C_even[1::2].max()
    m = hp.read_map(data)
    mk = hp.read_map(mask)
    # Reference: healpy's pseudo-C_l of the masked map, divided by the sky fraction.
    C_ps = hp.anafast(m * mk, lmax=LMAX) / mk.mean()
    D_ps = l * (l + 1) * C_ps / (2 * np.pi)
    rows = []
    print(f"unmasked pixels {int((mk > 0).sum())} of {mk.size}; tau: C1 {tau_all:.3g}, Ci {tau_even:.3g}; "
          f"largest odd-degree C_l of the Ci fit {odd_in_ci:.1e} (exactly even)")
    print("L    R(L) C1 fit   R(L) Ci even / C1 odd   R(L) healpy pseudo-C_l")
    for L in (22, 32, 48, 64):
        r = (L, ratio(D_all, L), ratio(D_all, L, D_even), ratio(D_ps, L))
        rows.append(r)
        print(f"{L:<4d} {r[1]:<13.4f} {r[2]:<23.4f} {r[3]:.4f}")
    with open(f"{out}/parity.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["L", "R_C1", "R_Ci_even_over_C1_odd", "R_pseudo_cl"])
        w.writerows([[r[0]] + [f"{x:.6g}" for x in r[1:]] for r in rows])
        w.writerow([])
        w.writerow(["l", "C_l_C1_mK2", "C_l_Ci_mK2", "C_l_pseudo_mK2"])
        for i in range(2, LMAX + 1):
            w.writerow([i, f"{C_all[i]:.6g}", f"{C_even[i]:.6g}", f"{C_ps[i]:.6g}"])

    fig, ax = plt.subplots(figsize=(8, 4.5))
    e, o = (l >= 2) & (l % 2 == 0), (l >= 2) & (l % 2 == 1)
    ax.plot(l[2:], 1e6 * D_ps[2:], color="0.6", lw=1, label="healpy pseudo-$C_\\ell$ / $f_{sky}$")
    ax.plot(l[e], 1e6 * D_even[e], "o", color="C0", label="even $\\ell$: Ci fit")
    ax.plot(l[e], 1e6 * D_all[e], "+", color="C2", ms=9, label="even $\\ell$: C1 fit")
    ax.plot(l[o], 1e6 * D_all[o], "s", color="C3", label="odd $\\ell$: C1 fit")
    ax.set_xlabel("degree $\\ell$")
    ax.set_ylabel("$\\ell(\\ell+1)C_\\ell/2\\pi$  [$\\mu K^2$]")
    ax.set_title(f"WMAP W band on the unmasked sky: R(22) = {rows[0][1]:.2f}, R(64) = {rows[-1][1]:.2f}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(f"{figs}/wmap_parity_spectrum.png", dpi=110)

    # Maps: the fits cover the whole sky; the odd part is (f(x) - f(-x)) / 2 of the C1 fit
    # (HEALPix centres are symmetric under x -> -x, so -x is a pixel centre).
    nside = hp.npix2nside(m.size)
    fit_all = hp.read_map(f"{out}/fit_C1.fits")
    fit_even = hp.read_map(f"{out}/fit_Ci.fits")
    anti = hp.vec2pix(nside, *(-np.array(hp.pix2vec(nside, np.arange(m.size)))))
    odd = 0.5 * (fit_all - fit_all[anti])
    shown = np.where(mk > 0, m, hp.UNSEEN)
    lim = np.percentile(np.abs(m[mk > 0]), 99)
    fig = plt.figure(figsize=(16, 4.2))
    hp.mollview(shown, fig=fig.number, sub=(1, 3, 1), title="W band, analysis mask", min=-lim, max=lim, unit="mK",
                cmap="RdBu_r")
    hp.mollview(fit_even, fig=fig.number, sub=(1, 3, 2), title="parity-even part (Ci fit, lmax 64)", min=-lim,
                max=lim, unit="mK", cmap="RdBu_r")
    hp.mollview(odd, fig=fig.number, sub=(1, 3, 3), title="parity-odd part (odd degrees of the C1 fit)", min=-lim,
                max=lim, unit="mK", cmap="RdBu_r")
    fig.savefig(f"{figs}/wmap_parity_maps.png", dpi=80, bbox_inches="tight")
    print(f"wrote {out}/parity.csv, {figs}/wmap_parity_spectrum.png, {figs}/wmap_parity_maps.png")


if __name__ == "__main__":
    main()
