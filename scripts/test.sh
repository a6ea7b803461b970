#!/usr/bin/env bash
# Runs every test: the Swift package's tests (debug build) and the Python tests of the training
# code, the reference scripts and the vtkc_py package (python/tests; they run the debug vtkc
# built here; skipped when torch is not installed).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3

echo "== swift test"
swift build --build-tests
swift test --skip-build
# Thread-count determinism again with OpenBLAS's AVX2 (Haswell) kernels, whose rounding depends
# on a product's row count: the kernels of machines without AVX-512 (DYNAMIC_ARCH picks them).
OPENBLAS_CORETYPE=Haswell swift test --skip-build --filter ThreadDeterminism

echo "== python tests"
if "$PY" -c "import torch, pytest" 2>/dev/null; then
    "$PY" -m pytest -q training/tests python/tests || { rc=$?; [ $rc = 5 ] && echo "no python tests collected" && exit 1; exit $rc; }
else
    echo "python tests skipped: torch or pytest missing (run scripts/install.sh)"
fi
