"""metrics: per-frame cost of SSIM and LPIPS in `vtkc score` against scikit-image and PyTorch,
in the same run, at 128x128 and 1280x720.

    .venv/bin/python scripts/bench.py metrics [--threads 1] [--frames N] [--vtkc PATH]

Writes a reference and a distorted clip per frame size as lossless YUV4MPEG2 (4:4:4) files,
then times `vtkc score --metrics psnr` (decode + PSNR: the baseline), `--metrics psnr,ssim`
and `--metrics psnr,lpips`; a metric's per-frame cost is (its run - baseline run) / frames.
The same frames, decoded to RGB in Python, are timed with skimage's structural_similarity
(the settings of `vtkc score`, man/vtkc.1: Gaussian weights, sigma 1.5, population
covariance, data range 255) and with training/vitok/lpips.py (PyTorch float32 eager). Both
sides use the same thread count. Times are CPU seconds (user + system, all threads) so that
other load on the machine does not distort the ratios; with --threads 1 they equal compute
time. Ratios < 1 mean vtkc is faster. Without --vtkc, builds .build/release/vtkc first.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import tempfile
import time

import numpy as np

from scripts.lib import build_release_vtkc


def frames(h: int, w: int, n: int, seed: int) -> np.ndarray:
    """n smooth moving frames with noise, uint8 (n, h, w, 3)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    out = np.empty((n, h, w, 3), np.uint8)
    for t in range(n):
        base = np.stack([np.sin(xx / 37 + t / 5 + c) * np.cos(yy / 23 - c) for c in range(3)], -1)
        out[t] = np.clip(127.5 + 100 * base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
    return out


def write_y4m(path: str, video: np.ndarray) -> np.ndarray:
    """Writes full-range BT.601 YUV 4:4:4 and returns the RGB frames it decodes back to (approx.)."""
    n, h, w, _ = video.shape
    rgb = video.astype(np.float32)
    y = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    u = (rgb[..., 2] - y) * 0.564 + 128
    v = (rgb[..., 0] - y) * 0.713 + 128
    planes = np.clip(np.round(np.stack([y, u, v], 1)), 0, 255).astype(np.uint8)
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{w} H{h} F25:1 Ip A1:1 C444 XCOLORRANGE=FULL\n".encode())
        for t in range(n):
            f.write(b"FRAME\n" + planes[t].tobytes())
    return video


def run_vtkc(vtkc: str, ref: str, dist: str, metrics: str, threads: int) -> float:
    """CPU seconds (user + system) the vtkc child process used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([vtkc, "score", ref, dist, "--metrics", metrics, "--threads", str(threads), "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def best(fn, repeats: int = 2) -> float:
    return min(fn() for _ in range(repeats))


def main(argv=None, prog=None) -> None:
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    ap.add_argument("--vtkc", help="a built vtkc (default: build .build/release/vtkc first)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--frames", type=int, default=0, help="frames per clip (default 40 small, 8 at 720p)")
    args = ap.parse_args(argv)
    args.vtkc = args.vtkc or str(build_release_vtkc())

    import torch
    from skimage.metrics import structural_similarity
    from training.vitok.lpips import LPIPS
    torch.set_num_threads(args.threads)
    net = LPIPS()

    print(f"threads {args.threads}; per-frame CPU seconds; ratio = vtkc / reference (lower is better)")
    print(f"{'size':>9}  {'metric':6}  {'vtkc':>9}  {'reference':>9}  {'ratio':>6}  reference")
    with tempfile.TemporaryDirectory() as tmp:
        for (h, w) in ((128, 128), (720, 1280)):
            n = args.frames or (40 if h == 128 else 8)
            ref, dist = os.path.join(tmp, f"ref{h}.y4m"), os.path.join(tmp, f"dist{h}.y4m")
            a = write_y4m(ref, frames(h, w, n, 1))
            b = write_y4m(dist, frames(h, w, n, 2))
            base = best(lambda: run_vtkc(args.vtkc, ref, dist, "psnr", args.threads))
            ssim = (best(lambda: run_vtkc(args.vtkc, ref, dist, "psnr,ssim", args.threads)) - base) / n
            lpips = (best(lambda: run_vtkc(args.vtkc, ref, dist, "psnr,lpips", args.threads)) - base) / n

            def sk() -> float:
                start = time.process_time()
                for t in range(n):
                    structural_similarity(a[t], b[t], gaussian_weights=True, sigma=1.5,
                                          use_sample_covariance=False, data_range=255, channel_axis=-1)
                return (time.process_time() - start) / n

            def torch_lpips() -> float:
                ta = torch.from_numpy(a).permute(0, 3, 1, 2).float() / 127.5 - 1
                tb = torch.from_numpy(b).permute(0, 3, 1, 2).float() / 127.5 - 1
                start = time.process_time()
                with torch.no_grad():
                    for t in range(n):
                        net(ta[t:t + 1], tb[t:t + 1])
                return (time.process_time() - start) / n

            ref_ssim, ref_lpips = best(sk), best(torch_lpips)
            size = f"{w}x{h}"
            print(f"{size:>9}  {'SSIM':6}  {ssim:9.4f}  {ref_ssim:9.4f}  {ssim / ref_ssim:6.2f}  skimage")
            print(f"{size:>9}  {'LPIPS':6}  {lpips:9.4f}  {ref_lpips:9.4f}  {lpips / ref_lpips:6.2f}  PyTorch")
