#!/usr/bin/env python3
"""Regenerate the committed test fixtures (all of them, or the sets named), in place.

    .venv/bin/python scripts/make_fixtures.py [SET ...] [--out DIR] [--weights I3D.safetensors]

Sets (generator module in scripts/fixtures/, committed directory):
  vtk      scripts/fixtures/vtk.py      Tests/VTKFormatTests/Fixtures     .vtk cross-implementation
  metrics  scripts/fixtures/metrics.py  Tests/MetricsTests/Fixtures       SSIM/PSNR (skimage), LPIPS
  i3d      scripts/fixtures/i3d.py      Tests/MetricsTests/Fixtures       I3D logits, resize, Frechet
  golden   scripts/fixtures/golden.py   Tests/ViTokTests/Fixtures/golden  ViTok engine golden I/O
LPIPS needs weights/lpips_alexnet.safetensors and i3d weights/i3d_kinetics400.safetensors
(scripts/setup_weights.sh; --weights names another I3D file); without them those fixtures are
skipped with a message. --out writes one set elsewhere (to compare with the committed files).
After regenerating in place, `git status` shows what changed. The golden shards' safetensors
headers may list their metadata keys in another order than the committed files (the
safetensors writer does not keep one order); their metadata and tensors are the same.
"""
import argparse
import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root (scripts/__init__.py)
from scripts.lib import REPO  # noqa: E402

SETS = ("vtk", "metrics", "i3d", "golden")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", metavar="SET", help=f"any of {', '.join(SETS)} (default: all)")
    ap.add_argument("--out", help="output directory instead of the committed one (one SET only)")
    ap.add_argument("--weights", help="the I3D weights for the i3d set "
                    "(default weights/i3d_kinetics400.safetensors)")
    args = ap.parse_args(argv)
    sets = args.sets or list(SETS)
    unknown = [s for s in sets if s not in SETS]
    if unknown:
        ap.error(f"unknown SET {', '.join(unknown)} (choose from {', '.join(SETS)})")
    if args.out and len(sets) != 1:
        ap.error("--out needs exactly one SET")
    for name in sets:
        module = importlib.import_module(f"scripts.fixtures.{name}")
        extra = {}
        if name == "i3d":
            extra["weights"] = Path(args.weights) if args.weights else module.WEIGHTS
            if not extra["weights"].is_file():
                print(f"skipping i3d fixtures: {extra['weights']} is missing (run scripts/fetch_i3d.py)")
                continue
        out = Path(args.out) if args.out else REPO / module.OUT_DIR
        out.mkdir(parents=True, exist_ok=True)
        print(f"== {name} -> {out}", flush=True)
        module.generate(str(out), **extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
