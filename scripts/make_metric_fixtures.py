#!/usr/bin/env python3
"""Generate the SSIM/PSNR and LPIPS fixtures of Tests/MetricsTests/Fixtures.

SSIM and PSNR come from scikit-image (structural_similarity with the settings of DESIGN.md
section 6; peak_signal_noise_ratio with data_range 255). LPIPS comes from an independent
PyTorch implementation below (AlexNet v0.1, weights/lpips_alexnet.safetensors written by
scripts/fetch_lpips.py), run in float64 so the reference itself carries no float32 error.

Each case is a raw file <kind>_<name>.rgb holding the reference frame then the distorted
frame (packed RGB24, row-major); <kind>.json lists name, width, height and the expected values.

Usage: /work/venv/bin/python scripts/make_metric_fixtures.py   (from the repository root)
"""
from __future__ import annotations

import json
import os

import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
FIXTURES = os.path.join(ROOT, "Tests", "MetricsTests", "Fixtures")
LPIPS_WEIGHTS = os.path.join(ROOT, "weights", "lpips_alexnet.safetensors")


def smooth(h: int, w: int, seed: int) -> np.ndarray:
    """A smooth colour image: sums of a few random plane waves, in [0, 255]."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.zeros((h, w, 3))
    for c in range(3):
        for _ in range(3):
            fy, fx, ph = rng.uniform(0.02, 0.25), rng.uniform(0.02, 0.25), rng.uniform(0, 6.3)
            img[..., c] += np.sin(fy * yy + fx * xx + ph)
    img = (img - img.min()) / (img.max() - img.min() + 1e-9)
    return np.round(img * 255).astype(np.uint8)


def noise(h: int, w: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def add_noise(img: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(np.round(img + rng.normal(0, sigma, img.shape)), 0, 255).astype(np.uint8)


def constant(h: int, w: int, value) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, np.uint8), (h, w, 3)).copy()


def blur_shift(img: np.ndarray) -> np.ndarray:
    f = img.astype(np.float64)
    out = (f + np.roll(f, 1, 0) + np.roll(f, 1, 1) + np.roll(f, (1, 1), (0, 1))) / 4
    return np.round(out).astype(np.uint8)


def ssim_cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    s = smooth(48, 64, 1)
    t = smooth(23, 37, 2)
    return [
        ("noise_vs_noise", noise(24, 32, 3), noise(24, 32, 4)),
        ("smooth_vs_noisy", s, add_noise(s, 10, 5)),
        ("odd_blur_shift", t, blur_shift(t)),
        ("minimum_11x11", noise(11, 11, 6), add_noise(noise(11, 11, 6), 30, 7)),
        ("black_vs_white", constant(16, 20, 0), constant(16, 20, 255)),
        ("constant_vs_constant", constant(13, 17, (10, 128, 250)), constant(13, 17, (12, 120, 251))),
        ("constant_vs_noise", constant(20, 14, 128), noise(20, 14, 8)),
        ("identical", s, s.copy()),
        ("wide_strip", smooth(12, 200, 9), add_noise(smooth(12, 200, 9), 4, 10)),
        ("tall_strip", smooth(150, 12, 11), add_noise(smooth(150, 12, 11), 25, 12)),
    ]


def lpips_reference(a: np.ndarray, b: np.ndarray) -> float:
    """LPIPS v0.1 AlexNet of two uint8 HxWx3 frames, float64 PyTorch."""
    import torch
    import torch.nn.functional as F
    from safetensors.numpy import load_file

    w = {k: torch.from_numpy(v.astype(np.float64)) for k, v in load_file(LPIPS_WEIGHTS).items()}
    shift = torch.tensor([-0.030, -0.088, -0.188], dtype=torch.float64).view(1, 3, 1, 1)
    scale = torch.tensor([0.458, 0.448, 0.450], dtype=torch.float64).view(1, 3, 1, 1)
    convs = ((0, 4, 2), (3, 1, 2), (6, 1, 1), (8, 1, 1), (10, 1, 1))

    def taps(img: np.ndarray) -> list:
        x = torch.from_numpy(img.astype(np.float64)).permute(2, 0, 1)[None] / 127.5 - 1
        x = (x - shift) / scale
        out = []
        for i, (idx, stride, pad) in enumerate(convs):
            x = F.relu(F.conv2d(x, w[f"features.{idx}.weight"], w[f"features.{idx}.bias"], stride, pad))
            out.append(x)
            if i < 2:
                x = F.max_pool2d(x, 3, 2)
        return out

    total = 0.0
    for i, (fa, fb) in enumerate(zip(taps(a), taps(b))):
        na = fa / (fa.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
        nb = fb / (fb.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
        d = (na - nb).pow(2) * w[f"lin.{i}.weight"].view(1, -1, 1, 1)
        total += float(d.sum(1).mean())
    return total


def lpips_cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    s = smooth(64, 64, 21)
    t = smooth(45, 67, 22)
    return [
        ("smooth_vs_noisy", s, add_noise(s, 12, 23)),
        ("odd_blur_shift", t, blur_shift(t)),
        ("noise_vs_smooth", noise(40, 52, 24), smooth(40, 52, 25)),
        ("minimum_31x31", smooth(31, 31, 26), add_noise(smooth(31, 31, 26), 20, 27)),
        ("black_vs_white", constant(36, 44, 0), constant(36, 44, 255)),
        ("identical", s, s.copy()),
    ]


def write(kind: str, cases, metrics) -> None:
    entries = []
    for name, a, b in cases:
        with open(os.path.join(FIXTURES, f"{kind}_{name}.rgb"), "wb") as f:
            f.write(np.ascontiguousarray(a).tobytes() + np.ascontiguousarray(b).tobytes())
        entry = {"name": name, "width": a.shape[1], "height": a.shape[0]}
        entry.update({k: fn(a, b) for k, fn in metrics.items()})
        entries.append(entry)
    with open(os.path.join(FIXTURES, f"{kind}.json"), "w") as f:
        json.dump(entries, f, indent=1)
    print(f"{kind}: {len(entries)} cases")


def psnr(a, b):
    value = float(peak_signal_noise_ratio(a, b, data_range=255)) if not np.array_equal(a, b) else None
    return value  # None (JSON null) stands for +infinity


def main() -> None:
    os.makedirs(FIXTURES, exist_ok=True)
    ssim = lambda a, b: float(structural_similarity(  # noqa: E731
        a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
        data_range=255, channel_axis=-1))
    write("ssim", ssim_cases(), {"ssim": ssim, "psnr": psnr})
    if os.path.exists(LPIPS_WEIGHTS):
        write("lpips", lpips_cases(), {"lpips": lpips_reference})
    else:
        print(f"skipping LPIPS fixtures: {LPIPS_WEIGHTS} is missing (run scripts/fetch_lpips.py)")


if __name__ == "__main__":
    main()
