#!/usr/bin/env bash
# C++ style: every tracked C++ file as clang-format (the repository's .clang-format) would write
# it. Run by `npm test`; `scripts/check-style.sh --fix` rewrites the files instead. Not scripts/:
# its files are inputs of the cached WASM dependency builds, whose cache keys hash their bytes.
# Not generated/ either: scripts/generate-contract.mjs writes those, and its test keeps them current.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' | grep -v -e '^scripts/' -e '/generated/')
if [ "${1:-}" = "--fix" ]; then
  clang-format-14 -i "${files[@]}"
  exit 0
fi
bad=()
for file in "${files[@]}"; do
  clang-format-14 --dry-run -Werror "$file" >/dev/null 2>&1 || bad+=("$file")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "check-style: ${#bad[@]} file(s) differ from .clang-format (scripts/check-style.sh --fix):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "check-style: ${#files[@]} C++ files formatted"
