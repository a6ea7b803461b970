#!/usr/bin/env bash
# SSIM and LPIPS per-frame time of `vtkc score` at 128x128 and 1280x720, as ratios against
# scikit-image and PyTorch measured in the same run (see scripts/bench_metrics.py).
# Usage: scripts/bench_metrics.sh [--threads N] [--frames N]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$( [ -x /work/venv/bin/python ] && echo /work/venv/bin/python || echo python3 )}"
swift build -c release --product vtkc >&2
exec "$PYTHON" scripts/bench_metrics.py --vtkc .build/release/vtkc "$@"
