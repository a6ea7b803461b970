"""The repository's Python tooling (benchmarks, fixture generators, weight converters, the .vtk
reference tool).

One import convention for every script: the entry points directly in scripts/ put the
repository root on sys.path, and all imports are absolute from there (`scripts.lib...`,
`scripts.fixtures...`, `training.vitok...`, `training.reference...`). Importing this package
also puts the repository's python/ directory first on sys.path, so that `vtkc_py` (the .vtk
reader and writer, python/vtkc_py) is this checkout's copy whether or not it is installed.
Run them from anywhere with the repository's Python, e.g. `.venv/bin/python scripts/bench.py engine`.
"""
import sys
from pathlib import Path

_PACKAGE_DIR = str(Path(__file__).resolve().parents[1] / "python")
if _PACKAGE_DIR not in sys.path:
    sys.path.insert(0, _PACKAGE_DIR)
