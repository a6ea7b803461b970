"""Shared pieces of the scripts: the repository root, Swift builds and the sdist weight reader
(pickled_weights). The .vtk reference implementation is the package `vtkc_py` in python/."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RELEASE_VTKC = REPO / ".build" / "release" / "vtkc"


def build_release_vtkc() -> Path:
    """`swift build -c release --product vtkc` (progress on stderr); returns the binary."""
    subprocess.run(["swift", "build", "-c", "release", "--product", "vtkc"], cwd=REPO, check=True,
                   stdout=sys.stderr)
    return RELEASE_VTKC
