#!/usr/bin/env bash
# Runs every test: the Swift package's tests (debug build), a short run of each fuzz target,
# and the Python tests of the training
# code, the reference scripts and the vtkc_py package (python/tests; they run the debug vtkc
# built here; skipped when torch is not installed).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3

# CI installs the metric weights: a test that needs them fails rather than skips without them.
export VTKC_REQUIRE_WEIGHTS=${VTKC_REQUIRE_WEIGHTS:-1}

echo "== swift test"
swift build --build-tests
swift test --skip-build
# Thread-count determinism again with OpenBLAS's AVX2 (Haswell) kernels, whose rounding depends
# on a product's row count: the kernels of machines without AVX-512 (DYNAMIC_ARCH picks them).
OPENBLAS_CORETYPE=Haswell swift test --skip-build --filter ThreadDeterminism

echo "== fuzz: every target briefly, built as the release build parses (-O, checks on)"
# A finding fails the run (scripts/fuzz.sh exits with libFuzzer's status); docs/FUZZING.md.
for target in vtk safetensors video audio; do
    FUZZ_TIMEOUT=30 bash scripts/fuzz.sh "$target" "${VTKC_FUZZ_SECONDS:-15}"
done

echo "== python tests"
if "$PY" -c "import torch, pytest" 2>/dev/null; then
    "$PY" -m pytest -q training/tests python/tests || { rc=$?; [ $rc = 5 ] && echo "no python tests collected" && exit 1; exit $rc; }
else
    echo "python tests skipped: torch or pytest missing (run scripts/install.sh)"
fi
