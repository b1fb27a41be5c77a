#!/usr/bin/env python3
"""Checks README.md and docs/*.md against the repository:
 1. the README's Debian package list equals SPECAVG_PACKAGES in drivers/setup.sh;
 2. no text points outside the repository (../ paths, DESIGN.md);
 3. every relative link and every repository path written in backticks exists.
Usage: check_readme.py SOURCE_DIR (exit 1 on a failure, each one printed)."""
import pathlib
import re
import sys


def setup_packages(root):
    text = (root / "drivers" / "setup.sh").read_text()
    m = re.search(r"SPECAVG_PACKAGES=\(([^)]*)\)", text)
    if not m:
        return None
    return set(m.group(1).split())


def readme_packages(readme):
    # The backticked list following "The packages are".
    m = re.search(r"The packages are.*?:\s*`([^`]*)`", readme, re.S)
    return set(m.group(1).split()) if m else None


PATH_PREFIXES = ("drivers/", "inputs/", "docs/", "include/", "src/", "tests/", "cmake/", ".ci/")


def main(root):
    bad = []
    readme = (root / "README.md").read_text()
    want, have = setup_packages(root), readme_packages(readme)
    if want is None:
        bad.append("drivers/setup.sh: no SPECAVG_PACKAGES=(...) list")
    elif have is None:
        bad.append("README.md: no package list ('The packages are ...: `...`')")
    elif want != have:
        bad.append(f"README.md package list differs from drivers/setup.sh: missing {sorted(want - have)}, "
                   f"extra {sorted(have - want)}")
    docs = [root / "README.md"] + sorted((root / "docs").glob("*.md"))
    for doc in docs:
        text = doc.read_text()
        rel = doc.relative_to(root)
        for pat in (r"\.\./", r"DESIGN\.md"):
            for m in re.finditer(pat, text):
                line = text.count("\n", 0, m.start()) + 1
                bad.append(f"{rel}:{line}: points outside the repository ({m.group(0)})")
        for m in re.finditer(r"\]\(([^)#\s]+)", text):  # markdown links and images
            target = m.group(1)
            if re.match(r"[a-z]+:", target):
                continue
            if not (doc.parent / target).exists():
                bad.append(f"{rel}: link to missing file {target}")
        for m in re.finditer(r"`([^`\s]+)`", text):  # repository paths in backticks
            p = m.group(1).rstrip(".,;:")
            if not p.startswith(PATH_PREFIXES) or any(ch in p for ch in "<>*"):
                continue
            if not (root / p).exists() and not (root / "include" / "specavg" / p).exists():
                bad.append(f"{rel}: mentions {p}, which does not exist")
    for line in bad:
        print(line)
    print(f"readme: {len(bad)} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
