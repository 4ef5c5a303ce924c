#!/usr/bin/env bash
# Checks that each Linux binary given runs on the oldest Linux Node 22 supports: no glibc
# symbol version newer than GLIBC_2.28, and no libstdc++ at all (no GLIBCXX_ or CXXABI_
# version, no libstdc++.so.6 in NEEDED), since old systems carry an older one.
#   scripts/check-symbols.sh FILE.node...
# Prints, per file, the libraries it needs with the newest version it asks of each, and
# names any symbol that asks too much. Exits 1 if any file fails. Uses readelf, which reads
# every architecture's ELF files.
set -euo pipefail
max_glibc=2.28
[[ $# -gt 0 ]] || { echo "usage: $0 FILE.node..." >&2; exit 2; }
failed=0

newest() { sort -V | tail -n 1; }
above_max() { [[ $(printf '%s\n%s\n' "$1" "$max_glibc" | newest) != "$max_glibc" ]]; }

for file in "$@"; do
  if [[ ! -f $file ]]; then echo "FAIL $file: no such file"; failed=1; continue; fi
  problems=()
  needed=$(readelf -dW "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  # The version-needs section: "File: libc.so.6 ..." then one "Name: GLIBC_2.17 ..." per version.
  versions=$(readelf -VW "$file" | awk '/File:/ { for (i = 1; i <= NF; i++) if ($i == "File:") lib = $(i + 1) }
    /Name:/ && lib != "" { for (i = 1; i <= NF; i++) if ($i == "Name:") print lib, $(i + 1) }')
  summary=()
  for lib in $needed; do
    top=$(awk -v l="$lib" '$1 == l { print $2 }' <<<"$versions" | newest)
    summary+=("$lib${top:+ $top}")
  done
  glibc=$(awk '$2 ~ /^GLIBC_[0-9.]+$/ { sub(/^GLIBC_/, "", $2); print $2 }' <<<"$versions" | newest)
  for v in $(awk '$2 ~ /^GLIBC_[0-9.]+$/ { sub(/^GLIBC_/, "", $2); print $2 }' <<<"$versions" | sort -uV); do
    if above_max "$v"; then
      name=GLIBC_$v
      syms=$(readelf --dyn-syms -W "$file" | awk -v n="@$name" 'index($8, n) { sub(/@.*/, "", $8); print $8 }' | sort -u | tr '\n' ' ')
      problems+=("$name (> GLIBC_$max_glibc) for: ${syms% }")
    fi
  done
  cxx=$(awk '$2 ~ /^(GLIBCXX|CXXABI)_/ { print $2 }' <<<"$versions" | sort -uV | tr '\n' ' ')
  if [[ -n $cxx ]]; then problems+=("libstdc++ versions ${cxx% } (link it statically)"); fi
  if grep -qx 'libstdc++.so.6' <<<"$needed"; then problems+=("libstdc++.so.6 in NEEDED"); fi
  line="$file: max GLIBC_${glibc:-none}; needs $(IFS=,; echo "${summary[*]}" | sed 's/,/, /g')"
  if [[ ${#problems[@]} -eq 0 ]]; then echo "PASS $line"; else
    echo "FAIL $line"
    printf '    %s\n' "${problems[@]}"
    failed=1
  fi
done
exit $failed
