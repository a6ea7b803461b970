"""i3d: I3D Kinetics-400 logits of one 16x224x224 clip, Swift (vtkc's Metrics library) against
the PyTorch CPU reference (training/reference/i3d_torch.py) and against its own sgemm floor, in
the same run.

    .venv/bin/python scripts/bench.py i3d [--runs 5] [--threads 2]

Swift side: builds Benchmarks/I3DBench in release and runs it; after one warm-up forward it
times, in each run, the forward's own sgemm calls alone (the floor) and then the forward, and
prints the ratio to the floor (what im2col, bias + ReLU and pooling add) and per-run seconds.
PyTorch side: float32 eager with the same thread count, one warm-up run.
Prints the median seconds of each and the ratio Swift / PyTorch (the target is <= 1.5).
Needs weights/i3d_kinetics400.safetensors (scripts/fetch_i3d.py).
"""
import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

from scripts.lib import REPO
from training.reference.i3d_torch import I3DReference, resize_frames


def torch_seconds(weights, runs, threads):
    torch.set_num_threads(threads)
    clip = np.frombuffer((REPO / "Tests/MetricsTests/Fixtures/i3d_clips.u8").read_bytes(), np.uint8).copy()
    clip = resize_frames(clip[: 16 * 32 * 32 * 3].reshape(1, 16, 32, 32, 3))
    model = I3DReference.load(weights)
    model(clip)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        model(clip)
        times.append(time.perf_counter() - start)
    return times


def swift_seconds(weights, runs, threads):
    subprocess.run(["swift", "build", "-c", "release", "--product", "I3DBench"], cwd=REPO, check=True)
    result = subprocess.run(
        [str(REPO / ".build" / "release" / "I3DBench"), "--runs", str(runs), "--threads", str(threads),
         "--weights", weights], cwd=REPO, capture_output=True, text=True)
    match = re.search(r"swift_i3d_seconds ([0-9. ]+)", result.stdout)
    if result.returncode != 0 or not match:
        sys.exit(f"Swift benchmark failed:\n{result.stdout}\n{result.stderr}")
    print(result.stdout[:match.start()], end="")  # its report against the sgemm floor
    return [float(x) for x in match.group(1).split()]


def main(argv=None, prog=None):
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--weights", default=str(REPO / "weights" / "i3d_kinetics400.safetensors"))
    args = parser.parse_args(argv)
    if not Path(args.weights).is_file():
        sys.exit(f"error: {args.weights} is missing; run scripts/fetch_i3d.py first")
    swift = swift_seconds(args.weights, args.runs, args.threads)
    ref = torch_seconds(args.weights, args.runs, args.threads)
    s, t = statistics.median(swift), statistics.median(ref)
    print(f"I3D one 16x224x224 clip, {args.threads} threads, median of {args.runs} runs")
    print(f"  PyTorch {torch.__version__} CPU: {t:.3f} s   ({' '.join(f'{x:.3f}' for x in ref)})")
    print(f"  Swift (Metrics.I3D):  {s:.3f} s   ({' '.join(f'{x:.3f}' for x in swift)})")
    print(f"  ratio Swift / PyTorch: {s / t:.2f} (target <= 1.5)")
