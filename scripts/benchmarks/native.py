"""native: decoding .vtk latents in Python with the Swift coder (libvtkformat.so through
ctypes, vtkc_py.native) against the pure-Python reference coder, in the same run, and a torch
DataLoader over `VTKDataset(per_group=True)` with 2 workers, in tiles per second.

    .venv/bin/python scripts/bench.py native [--video samples/tree.mp4] [--copies 60]

Builds vtkc and libvtkformat.so in release mode first, compresses the video with the default
model, and checks that both coders give the same bits before timing them.
"""
import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from scripts.lib import REPO


def best(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None, prog=None):
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("--video", default="samples/tree.mp4")
    parser.add_argument("--copies", type=int, default=60, help="copies of the file the DataLoader reads")
    args = parser.parse_args(argv)
    subprocess.run(["swift", "build", "-c", "release", "--product", "vtkc"], cwd=REPO, check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "vtkformat"], cwd=REPO, check=True)
    os.environ["VTKC_FORMAT_LIB"] = str(REPO / ".build" / "release" / "libvtkformat.so")
    from vtkc_py.vtkfile import VTKFile
    from vtkc_py.torch_data import VTKDataset
    import torch

    with tempfile.TemporaryDirectory() as work:
        vtk = Path(work) / "clip.vtk"
        subprocess.run([str(REPO / ".build" / "release" / "vtkc"), "compress", str(REPO / args.video), "-o", str(vtk),
                        "-q"], check=True)
        native, pure = VTKFile(vtk), VTKFile(vtk, native=False)
        groups, tiles = native.shape[0], native.shape[0] * native.shape[1]
        same = native.latents().tobytes() == pure.latents().tobytes()
        print(f"{vtk.name}: {groups} groups, {tiles} tiles of {native.shape[2]}x{native.shape[3]}; "
              f"native and pure-Python latents identical: {same}")
        t_native = best(native.latents, 5) / tiles
        t_pure = best(pure.latents, 1) / tiles
        print(f"per tile: native {t_native * 1e3:.3f} ms, pure Python {t_pure * 1e3:.1f} ms, "
              f"ratio {t_pure / t_native:.0f}x")
        folder = Path(work) / "set"
        folder.mkdir()
        for i in range(args.copies):
            shutil.copy(vtk, folder / f"c{i:03d}.vtk")
        dataset = VTKDataset(folder, per_group=True)
        loader = torch.utils.data.DataLoader(dataset, batch_size=None, num_workers=2, shuffle=False)
        start, count = time.perf_counter(), 0
        for item in loader:
            count += item["latents"].shape[0]
        seconds = time.perf_counter() - start
        print(f"DataLoader, 2 workers, VTKDataset(per_group=True) over {args.copies} files: {count} tiles in "
              f"{seconds:.2f} s = {count / seconds:.0f} tiles/s (worker start-up included)")
        if not same:
            raise SystemExit("the two coders disagree")
