#!/usr/bin/env python3
"""Benchmarks: the Swift side against its baseline, measured in the same run, printed as ratios.

    .venv/bin/python scripts/bench.py SUBJECT [options]      (SUBJECT --help for its options)

Subjects (scripts/benchmarks/<subject>.py):
  engine     ViTok encode/decode of `vtkc bench` vs PyTorch eager and vs the sgemm floor
  i3d        I3D Kinetics-400 logits (Benchmarks/I3DBench) vs its sgemm floor and the PyTorch reference
  metrics    SSIM and LPIPS per frame in `vtkc score` vs scikit-image and PyTorch
  container  .vtk latent encodings vs the float16 path; CRC-32 throughput
  native     .vtk latents in Python: the Swift coder through ctypes vs the pure-Python one; DataLoader tiles/s
Each builds what it needs in release mode first (swift build / swiftc).
"""
import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root (scripts/__init__.py)

SUBJECTS = ("engine", "i3d", "metrics", "container", "native")


def main(argv) -> int:
    if not argv or argv[0] not in SUBJECTS:
        print(__doc__, file=sys.stderr)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    module = importlib.import_module(f"scripts.benchmarks.{argv[0]}")
    module.main(argv[1:], prog=f"bench.py {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
