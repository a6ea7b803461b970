#!/usr/bin/env bash
# End-to-end compress and expand of one video, default options, float32 attention (the engine
# before bf16 attention, byte for byte) against the automatic choice, alternating in one script
# so both see the same machine load. Usage: scripts/benchmarks/e2e.sh [VIDEO] [ROUNDS]
set -euo pipefail
video=${1:-samples/tree.mp4}
rounds=${2:-2}
vtkc=.build/release/vtkc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$vtkc" info --system
seconds() { local start=$(date +%s.%N); "$@" > /dev/null 2>&1; echo "$(date +%s.%N) - $start" | bc; }
for round in $(seq "$rounds"); do
    for attention in float32 auto; do
        c=$(seconds "$vtkc" compress "$video" -o "$work/$attention.vtk" -y -q --attention "$attention")
        e=$(seconds "$vtkc" expand "$work/$attention.vtk" -o "$work/$attention.mp4" -y -q --attention "$attention")
        echo "round $round attention $attention: compress $c s, expand $e s"
    done
done
ls -l "$work"/*.vtk | awk '{print $5, $9}'
for attention in float32 auto; do
    "$vtkc" score "$video" "$work/$attention.mp4" --json | python3 -c \
        "import json,sys; r=json.load(sys.stdin); print('$attention', {k: r['summary'].get(k) for k in ('psnr_mean', 'psnr_pooled', 'ssim_mean', 'lpips_mean')})"
done
