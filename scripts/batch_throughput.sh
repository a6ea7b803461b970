#!/usr/bin/env bash
# Batch-compress throughput at native-resolution preprocessing: the first N (default 8) train
# clips of ../shared/data (MANIFEST.tsv order; one per file stem, as clips/x.avi and clips/x.mp4
# would both become x.vtk) with --resize 128 --crop center on one thread,
# in a release build. Prints clips (input files), 16-frame groups and frames per second per core.
#   scripts/batch_throughput.sh [N]      (VTKC=path/to/vtkc to skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=../shared/data
[ -f "$DATA/MANIFEST.tsv" ] || { echo "no $DATA/MANIFEST.tsv: the shared footage is not here" >&2; exit 1; }
N=${1:-8}
if [ -z "${VTKC:-}" ]; then swift build -c release --product vtkc; VTKC=.build/release/vtkc; fi
VTKC=$(realpath "$VTKC")
MODEL=$(realpath "${VTKC_MODEL:-models/vitok-sb4x8}")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vtkc-throughput.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
awk -F'\t' -v n="$N" 'NR > 1 && $13 == "train" && c < n {
    stem = $1; sub(/\.[^.]*$/, "", stem); if (!(stem in seen)) { seen[stem] = 1; print $1; c++ } }' \
    "$DATA/MANIFEST.tsv" > "$WORK/list.txt"
start=$(date +%s.%N)
status=0
(cd "$DATA" && /usr/bin/time -o "$WORK/cpu" -f "%U %S" "$VTKC" compress --list "$WORK/list.txt" \
    -o "$WORK/out" --model "$MODEL" --resize 128 --crop center --threads 1 \
    --report "$WORK/report.jsonl" -q) || status=$?
end=$(date +%s.%N)
python3 - "$WORK/report.jsonl" "$start" "$end" "$status" "$WORK/cpu" <<'PY'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
wall = float(sys.argv[3]) - float(sys.argv[2])
cpu = sum(map(float, open(sys.argv[5]).read().split()[-2:]))
ok = [r for r in records if r["status"] == "ok"]
groups = sum(r["groups"] for r in ok)
frames = sum(r["frames"] for r in ok)
print(f"{len(ok)}/{len(records)} clips ok ({frames} frames, {groups} groups of 16x128x128), exit {sys.argv[4]}")
# Per core: the work over the CPU time it took (user + system; FFmpeg's decoder threads included),
# which a busy machine does not inflate the way it inflates wall time.
for label, seconds in (("CPU", cpu), ("wall", wall)):
    print(f"{label} {seconds:.1f} s: {len(ok) / seconds:.3f} clips/s, {groups / seconds:.3f} groups/s, "
          f"{frames / seconds:.1f} frames/s" + (" per core" if label == "CPU" else " (model on 1 thread)"))
PY
