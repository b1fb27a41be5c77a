#!/usr/bin/env bash
# Runs README.md's "Using it" block as a new user pastes it, at a reduced size, in a fresh
# scratch directory whose `build` points at the build tree: the first ```sh block after the
# "## Using it" heading, with every `-n N` divided by 1000 (10^6 -> 1000 points). Then
# checks that .gitignore covers every file the block created.
# usage: run_readme_block.sh SOURCE_DIR BUILD_DIR SCRATCH
set -euo pipefail
src=$1 build=$2 dir=$3
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
awk '/^## Using it/ {u = 1} u && /^```sh/ {b = 1; next} b && /^```/ {exit} b' "$src/README.md" >block.sh
test -s block.sh || { echo "no \`\`\`sh block under '## Using it' in README.md" >&2; exit 1; }
sed -E 's/-n ([0-9]+)000( |$)/-n \1\2/g' block.sh >reduced.sh
echo "--- README block at reduced size:"
cat reduced.sh
mkdir work
ln -s "$build" work/build
cd work
git init -q . && cp "$src/.gitignore" .gitignore
set -x
bash -euo pipefail ../reduced.sh
set +x
# Everything the block created must be ignored by git (the build link aside).
left=$(git status --porcelain --untracked-files=all | grep -v -e ' build$' -e ' .gitignore$' || true)
if [ -n "$left" ]; then
  echo "files created by the README block that .gitignore does not cover:" >&2
  echo "$left" >&2
  exit 1
fi
ls -l
