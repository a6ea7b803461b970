#!/usr/bin/env bash
# The main job on the sample clip with the embedded default model:
# compress -> info -> expand -> score, in a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release
VTKC=.build/release/vtkc
IN=${1:-samples/tree.mp4}
OUT=${OUT_DIR:-out}
mkdir -p "$OUT"
name=$(basename "${IN%.*}")
"$VTKC" compress "$IN" -o "$OUT/$name.vtk" -y
"$VTKC" info "$OUT/$name.vtk"
"$VTKC" expand "$OUT/$name.vtk" -o "$OUT/$name.expanded.mp4" -y
"$VTKC" score "$IN" "$OUT/$name.expanded.mp4" --plot "$OUT/$name.score.svg" -y
echo "outputs in $OUT/"
