#!/usr/bin/env python3
"""Data, fit and residual side by side, with the group and cutoff in the title.

Sky maps (HEALPix FITS, as `specavg predict -like map.fits` writes them) are drawn in
Mollweide projection with healpy; fields on a latitude/longitude grid (CF netCDF, as
`specavg predict -like field.nc` writes them) in plain plate carree with matplotlib.

  plot_map.py DATA FIT -o fig.png [--column I_STOKES] [--mask mask.fits]    # HEALPix
  plot_map.py DATA FIT -o fig.png --var tas [--step 0]                      # netCDF

The residual is data - fit where the data are valid (not UNSEEN/fill, inside --mask).
Run it with Debian's python3 (/usr/bin/python3: matplotlib, healpy, netCDF4).
"""
import argparse
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def title(group, cutoff, extra):
    t = f"specavg fit, group {group}, cutoff {cutoff}"
    return t + (f" ({extra})" if extra else "")


def fmt_cutoff(c):
    if isinstance(c, (bytes, np.bytes_)):
        c = c.decode()
    try:
        return f"lmax {int(float(c))}" if float(c) == int(float(c)) else str(c)
    except (TypeError, ValueError):
        return str(c)


def plot_healpix(a):
    import healpy as hp

    hdr_fit = dict(hp.read_map(a.fit, h=True)[1])
    field = 0
    if a.column:
        names = [hdr_fit.get(f"TTYPE{i}") for i in range(1, 100) if f"TTYPE{i}" in hdr_fit]
        names = [n for n in names if n != "PIXEL"]
        if a.column not in names:
            sys.exit(f"plot_map.py: {a.fit} has no column {a.column}; its columns are {', '.join(names)}")
        field = names.index(a.column)
    fit = hp.read_map(a.fit, field=field, nest=False, partial=hdr_fit.get("INDXSCHM") == "EXPLICIT")
    hdr = dict(hp.read_map(a.data, h=True)[1])
    data = hp.read_map(a.data, field=a.data_field, nest=False, partial=hdr.get("INDXSCHM") == "EXPLICIT")
    if data.size != fit.size:
        sys.exit(f"plot_map.py: {a.data} (NSIDE {hp.npix2nside(data.size)}) and {a.fit} "
                 f"(NSIDE {hp.npix2nside(fit.size)}) are not on the same pixels")
    valid = (data != hp.UNSEEN) & (fit != hp.UNSEEN) & np.isfinite(data)
    if a.mask:
        valid &= hp.read_map(a.mask, nest=False) > 0
    res = np.full(data.shape, hp.UNSEEN)
    res[valid] = data[valid] - fit[valid]
    shown = np.where(valid, data, hp.UNSEEN)
    lo, hi = np.percentile(data[valid], [1, 99])
    fig = plt.figure(figsize=(16, 4.2))
    unit = a.unit or hdr.get("TUNIT1", "")
    hp.mollview(shown, fig=fig.number, sub=(1, 3, 1), title="data" + (" (masked)" if a.mask else ""), min=lo, max=hi,
                unit=unit, cmap=a.cmap)
    hp.mollview(fit, fig=fig.number, sub=(1, 3, 2), title="fit (G-invariant component)", min=lo, max=hi, unit=unit,
                cmap=a.cmap)
    r = np.percentile(np.abs(res[valid]), 99)
    hp.mollview(res, fig=fig.number, sub=(1, 3, 3), title="residual (data - fit)", min=-r, max=r, unit=unit,
                cmap=a.cmap)
    group = hdr_fit.get("SPECAVG GROUP", "?")
    fig.suptitle(a.title or title(group, fmt_cutoff(hdr_fit.get("SPECAVG CUTOFF", "?")), a.subtitle))
    return fig


def plot_latlon(a):
    import netCDF4

    d, f = netCDF4.Dataset(a.data), netCDF4.Dataset(a.fit)
    var = a.var
    if var not in d.variables or var not in f.variables:
        sys.exit(f"plot_map.py: pass --var with a variable present in both {a.data} and {a.fit}")

    def coord(ds, v, names, units):
        for n in ds[v].dimensions + tuple((ds[v].getncattr("coordinates").split() if "coordinates" in ds[v].ncattrs()
                                           else [])):
            if n in ds.variables:
                c = ds[n]
                if getattr(c, "standard_name", "") in names or getattr(c, "units", "") in units:
                    return np.asarray(c[:], dtype=float)
        sys.exit(f"plot_map.py: no latitude/longitude coordinate for {v} in {ds.filepath()}")

    lat = coord(d, var, ("latitude",), ("degrees_north", "degree_north", "degrees_N"))
    lon = coord(d, var, ("longitude",), ("degrees_east", "degree_east", "degrees_E"))

    def field(ds):
        x = ds[var]
        x.set_auto_mask(True)
        v = x[a.step] if x.ndim == 3 else x[:]
        return np.ma.masked_invalid(np.ma.asarray(v, dtype=float))

    data, fit = field(d), field(f)
    res = data - fit
    if lat.ndim == 1:  # longitudes to [-180, 180), ascending (the fields' last axis)
        lon = (lon + 180) % 360 - 180
        order = np.argsort(lon, kind="stable")
        lon, data, fit, res = lon[order], data[..., order], fit[..., order], res[..., order]
        lon2, lat2 = np.meshgrid(lon, lat)
    else:
        lon2, lat2 = (lon + 180) % 360 - 180, lat
    lo, hi = np.percentile(data.compressed(), [1, 99])
    r = np.percentile(np.abs(res.compressed()), 99)
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.2), constrained_layout=True)
    unit = a.unit or getattr(d[var], "units", "")
    for ax, z, name, (vmin, vmax) in zip(axes, (data, fit, res), ("data", "fit (G-invariant component)",
                                                                   "residual (data - fit)"), ((lo, hi), (lo, hi), (-r, r))):
        pc = ax.scatter(lon2.ravel(), lat2.ravel(), c=z.ravel(), s=2, marker="s", vmin=vmin, vmax=vmax, cmap=a.cmap) \
            if lat.ndim != 1 else ax.pcolormesh(lon2, lat2, z, vmin=vmin, vmax=vmax, cmap=a.cmap, shading="nearest")
        ax.set_xlim(-180, 180)
        ax.set_ylim(-90, 90)
        ax.set_aspect("equal")
        ax.set_xlabel("longitude (deg)")
        ax.set_ylabel("latitude (deg)")
        ax.set_title(name)
        fig.colorbar(pc, ax=ax, orientation="horizontal", label=unit, shrink=0.8)
    group = getattr(f, "specavg_group", getattr(f[var], "specavg_group", "?"))
    cutoff = getattr(f, "specavg_cutoff", getattr(f[var], "specavg_cutoff", "?"))
    fig.suptitle(a.title or title(group, fmt_cutoff(cutoff), a.subtitle or f"step {a.step}"), y=1.04)
    return fig


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data", help="input map/field (HEALPix FITS or CF netCDF)")
    p.add_argument("fit", help="specavg predict output on the same pixels/grid")
    p.add_argument("-o", "--output", required=True, help="figure file (png, pdf, svg)")
    p.add_argument("--column", help="HEALPix: column of the fit file to draw (default: the first)")
    p.add_argument("--data-field", type=int, default=0, help="HEALPix: field of the data file (default 0)")
    p.add_argument("--mask", help="HEALPix: mask map; the data and residual are drawn only where it is > 0")
    p.add_argument("--var", help="netCDF: variable to draw")
    p.add_argument("--step", type=int, default=0, help="netCDF: time step to draw (default 0)")
    p.add_argument("--unit", help="colour-bar label (default: the file's unit)")
    p.add_argument("--title", help="figure title (default: group and cutoff of the fit)")
    p.add_argument("--subtitle", default="", help="added to the default title in parentheses")
    p.add_argument("--cmap", default="RdBu_r")
    p.add_argument("--dpi", type=int, default=90)
    a = p.parse_args()
    with open(a.data, "rb") as fh:
        fits = fh.read(9) == b"SIMPLE  ="
    fig = plot_healpix(a) if fits else plot_latlon(a)
    fig.savefig(a.output, dpi=a.dpi, bbox_inches="tight")
    print(f"plot_map.py: wrote {a.output}")


if __name__ == "__main__":
    main()
