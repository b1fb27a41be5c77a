#!/usr/bin/env python3
"""Checks every figure of README.md's Results tables against the run they come from,
docs/results/bench.csv (written by drivers/bench_baselines.sh): each printed number must
equal the CSV value rounded to the digits shown (means and sample standard deviations
over seeds for the T^10 table, the largest discrepancy over seeds), and each tuned choice (kappa, lambda, lmax, tau) must be
the CSV's. Usage: check_results.py SOURCE_DIR (exit 1 on a mismatch, each one printed)."""
import csv
import math
import pathlib
import re
import statistics
import sys

SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def parse_n(cell):
    cell = cell.strip().strip("*")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)·10([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", cell)
    if m:
        return int(round(float(m.group(1)) * 10 ** int(m.group(2).translate(SUPERSCRIPT))))
    m = re.fullmatch(r"10([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", cell)
    if m:
        return 10 ** int(m.group(1).translate(SUPERSCRIPT))
    return int(cell)


def number(cell):
    """The printed number and half a unit of its last digit, or None."""
    m = re.search(r"-?\d+(?:\.(\d+))?(?:e(-?\d+))?", cell.strip().strip("*"))
    if not m:
        return None
    decimals = len(m.group(1) or "")
    exp = int(m.group(2) or 0)
    return float(m.group(0)), 0.5 * 10 ** (exp - decimals) * 1.0001


class Checker:
    def __init__(self, rows):
        self.rows = rows
        self.bad = []

    def find(self, **kw):
        out = [r for r in self.rows if all(r[k] == str(v) for k, v in kw.items()) and r["status"] == "ok"]
        return out

    def same(self, where, cell, value):
        printed = number(cell)
        if printed is None:
            self.bad.append(f"{where}: no number in '{cell}'")
        elif value is None or not abs(printed[0] - value) <= printed[1]:
            self.bad.append(f"{where}: README says {cell.strip()}, bench.csv has {value}")

    def one(self, where, **kw):
        r = self.find(**kw)
        if len(r) != 1:
            self.bad.append(f"{where}: {len(r)} matching ok rows in bench.csv for {kw}")
            return None
        return r[0]


def table_rows(text, header_start):
    """Cells of the rows of the first table whose header line starts with header_start."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(header_start):
            rows = []
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                rows.append([c.strip() for c in row.strip().strip("|").split("|")])
            return rows
    return None


def tuned_choice(ck, where, cell, variant):
    for readme_key, csv_keys in (("κ", ("width", "vmf")), ("λ", ("lambda",)), ("lmax ", ("lmax",)), ("τ", ("tau",))):
        m = re.search(re.escape(readme_key) + r"=?\s*([0-9.e-]+)", cell)
        if not m:
            continue
        want = float(m.group(1))
        got = [float(v) for k in csv_keys for v in re.findall(k + r"=([0-9.e-]+)", variant)]
        if not any(math.isclose(want, g, rel_tol=1e-9) for g in got):
            ck.bad.append(f"{where}: tuned choice {readme_key.strip()}={m.group(1)}, bench.csv variant '{variant}'")


def main(root):
    text = (root / "README.md").read_text()
    text = text[text.index("## Results"):]
    with open(root / "docs" / "results" / "bench.csv") as f:
        ck = Checker(list(csv.DictReader(f)))

    rows = table_rows(text, "| n | method | tuned choice |")
    if rows is None:
        ck.bad.append("README.md: the S² I_h table is missing")
    for cells in rows or []:
        n, method = parse_n(cells[0]), cells[1].strip("*")
        if cells[2].startswith("refused"):
            continue
        where = f"S² I_h n={n} {method}"
        r = ck.one(where, experiment="s2", group="Ih", method=method, n=n)
        if not r:
            continue
        if cells[2]:
            tuned_choice(ck, where, cells[2], r["variant"])
        for cell, col in zip(cells[3:8], ("test_rmse", "train_s", "predict_s", "rel_discrepancy", "peak_mem_mib")):
            ck.same(f"{where} {col}", cell, float(r[col]))

    rows = table_rows(text, "| method | test RMSE | train s |")
    if rows is None:
        ck.bad.append("README.md: the S² D3 table is missing")
    for cells in rows or []:
        m = re.search(r"runs up to n = (\d+): (\S+) in (\S+) s", cells[1])
        if m:  # a method refused at n = 5000: its largest run
            r = ck.one(f"D3 {cells[0]}", experiment="s2", group="D3", method=cells[0], n=m.group(1))
            if r:
                ck.same(f"D3 {cells[0]} test_rmse", m.group(2), float(r["test_rmse"]))
                ck.same(f"D3 {cells[0]} train_s", m.group(3), float(r["train_s"]))
            continue
        r = ck.one(f"D3 {cells[0]}", experiment="s2", group="D3", method=cells[0], n=5000)
        if r:
            ck.same(f"D3 {cells[0]} test_rmse", cells[1], float(r["test_rmse"]))
            ck.same(f"D3 {cells[0]} train_s", cells[2], float(r["train_s"]))

    rows = table_rows(text, "| n | specavg RMSE |")
    if rows is None:
        ck.bad.append("README.md: the S⁹ table is missing")
    for cells in rows or []:
        n = parse_n(cells[0])
        s = ck.one(f"S⁹ n={n} specavg", experiment="s9_sym10", method="specavg", n=n)
        if s:
            ck.same(f"S⁹ n={n} specavg test_rmse", cells[1], float(s["test_rmse"]))
            ck.same(f"S⁹ n={n} specavg train_s", cells[2], float(s["train_s"]))
        if cells[3].startswith("refused"):
            continue
        k = ck.one(f"S⁹ n={n} krr", experiment="s9_sym10", method="krr", n=n)
        if k:
            for cell, col in zip(cells[3:6], ("test_rmse", "train_s", "rel_discrepancy")):
                ck.same(f"S⁹ n={n} krr {col}", cell, float(k[col]))

    rows = table_rows(text, "| n | Spec-Avg 56 |")
    if rows is None:
        ck.bad.append("README.md: the T¹⁰ table is missing")
    settings = [("specavg-spectral", "D_inv=56", "test_rmse"), ("specavg-spectral", "D_inv=176", "test_rmse"),
                ("specavg-spectral", "D_inv=396", "test_rmse"), ("krr", "lambda=5", "test_rmse"),
                ("krr", "lambda=50", "test_rmse"), ("krr", "lambda=50", "rel_discrepancy")]
    for cells in rows or []:
        n = parse_n(cells[0])
        for cell, (method, tag, col) in zip(cells[1:], settings):
            if not cell or cell.startswith("refused"):
                continue
            v = [float(r[col]) for r in ck.find(experiment="paper_t10_signs", method=method, n=n)
                 if r["variant"].endswith(tag) or (tag + " ") in r["variant"] + " "]
            where = f"T¹⁰ n={n} {method} {tag} {col}"
            if len(v) != 10:
                ck.bad.append(f"{where}: {len(v)} seeds in bench.csv, expected 10")
                continue
            parts = cell.split("±")
            if col == "rel_discrepancy":  # the column states the largest over the seeds
                ck.same(where + " max", parts[0], max(v))
                continue
            ck.same(where + " mean", parts[0], statistics.fmean(v))
            if len(parts) > 1:
                ck.same(where + " std", parts[1], statistics.stdev(v))

    for line in ck.bad:
        print(line)
    print(f"results: {len(ck.bad)} mismatch(es)")
    return 1 if ck.bad else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
