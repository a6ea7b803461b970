#!/usr/bin/env bash
# Removes what scripts/install.sh --prefix DIR put there, and nothing else: the files its
# manifest (DIR/share/vtkc/install-manifest) lists, then the folders it created, if empty.
#   bash scripts/uninstall.sh --prefix DIR
set -euo pipefail
source "$(dirname "$0")/prefix_option.sh"
parse_prefix_option 2,4 "scripts/uninstall.sh --prefix DIR" "$@"
[ -n "$prefix" ] || { echo "uninstall.sh: give --prefix DIR" >&2; exit 2; }
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
root="${DESTDIR:-}$prefix"
manifest="$root/share/vtkc/install-manifest"
[ -f "$manifest" ] || { echo "uninstall.sh: $manifest is missing: no vtkc install under $prefix" >&2; exit 1; }
folders=()
while read -r kind path; do
    case "$kind" in
        file) rm -f -- "${DESTDIR:-}$path" ;;
        folder) folders=("${DESTDIR:-}$path" "${folders[@]}") ;;
    esac
done < "$manifest"
rm -f -- "$manifest"
for f in "${folders[@]}"; do rmdir -- "$f" 2>/dev/null || true; done
echo "[uninstall] removed vtkc from $prefix" >&2
