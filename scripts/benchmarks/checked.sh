#!/usr/bin/env bash
# What Swift's checks cost in the release build: this tree's flags (checks kept everywhere but
# the numeric kernels of ViTok and Metrics) against a copy built with -Ounchecked for every
# module (the flags before the hostile-input issue), alternating in one script so both see the
# same machine load. Times compress and expand of VIDEO with the default model, and two
# codec-bound jobs with the tiny test model on a 1024x1024 Y4M made here (score of the .vtk in
# memory, `info --verify`), printing checked/unchecked ratios.
# Usage: scripts/benchmarks/checked.sh [VIDEO] [ROUNDS]
set -euo pipefail
video=${1:-samples/tree.mp4}
rounds=${2:-2}
root=$(pwd)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/unchecked" 2>/dev/null || true; rm -rf "$work"' EXIT
git worktree add -q --detach "$work/unchecked" HEAD
sed -i 's/    .unsafeFlags(\["-wmo"\], .when(configuration: .release)),/    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),/' "$work/unchecked/Package.swift"
grep -q '"-Ounchecked", "-wmo"\], .when(configuration: .release)),$' "$work/unchecked/Package.swift"
ln -s "$root/models" "$work/unchecked/models" 2>/dev/null || true
swift build -c release > /dev/null
(cd "$work/unchecked" && swift build -c release > /dev/null)
tiny=Tests/ViTokTests/Fixtures/golden/tiny-int8
python3 - "$work/clip.y4m" <<'PY'
import sys
w = h = 1024
with open(sys.argv[1], "wb") as f:
    f.write(f"YUV4MPEG2 W{w} H{h} F25:1 Ip A1:1 C420jpeg\n".encode())
    for i in range(16):
        f.write(b"FRAME\n" + bytes((x * 3 + i * 5) & 255 for x in range(w)) * h + bytes([128]) * (w * h // 2))
PY
.build/release/vtkc compress "$work/clip.y4m" -o "$work/tiny.vtk" -q --model "$tiny"
seconds() { local start=$(date +%s.%N); "$@" > /dev/null 2>&1; echo "$(date +%s.%N) - $start" | bc; }
declare -A total
for round in $(seq "$rounds"); do
    for build in checked unchecked; do
        vtkc=.build/release/vtkc
        [ "$build" = unchecked ] && vtkc="$work/unchecked/.build/release/vtkc"
        c=$(seconds "$vtkc" compress "$video" -o "$work/$build.vtk" -y -q)
        e=$(seconds "$vtkc" expand "$work/$build.vtk" -o "$work/$build.mkv" -y -q)
        s=$(seconds "$vtkc" score "$work/clip.y4m" "$work/tiny.vtk" --metrics psnr --model "$tiny" --quiet)
        v=$(seconds "$vtkc" info "$work/tiny.vtk" --verify)
        echo "round $round $build: compress $c s, expand $e s, tiny score $s s, verify $v s"
        for k in c e s v; do total[$build$k]=$(echo "${total[$build$k]:-0} + ${!k}" | bc); done
    done
done
cmp "$work/checked.vtk" "$work/unchecked.vtk" && echo "the .vtk files are identical"
for k in c e s v; do
    name=$(case $k in c) echo compress;; e) echo expand;; s) echo "tiny score";; v) echo verify;; esac)
    echo "$name: checked / unchecked = $(echo "scale=3; ${total[checked$k]} / ${total[unchecked$k]}" | bc)"
done
