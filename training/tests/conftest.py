"""Shared fixtures for the trainer tests: repo root on sys.path, generated clips, skips."""
import os
import sys

import numpy as np
import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, REPO)
pytest.importorskip("torch", reason="torch is not installed: the trainer tests need it")


def moving_clip(rng: np.random.Generator, frames: int = 40, size: int = 48) -> np.ndarray:
    """uint8 (T, H, W, 3): a smooth colour gradient with a square drifting across it."""
    y, x = np.mgrid[0:size, 0:size] / size
    base = np.stack([x, y, 1 - x * y], axis=-1) * rng.uniform(80, 200, 3)
    out = np.empty((frames, size, size, 3), np.uint8)
    vy, vx = rng.uniform(-1.5, 1.5, 2)
    y0, x0 = rng.uniform(8, size - 20, 2)
    color = rng.uniform(0, 255, 3)
    for t in range(frames):
        img = base.copy()
        yy, xx = int(y0 + vy * t) % (size - 12), int(x0 + vx * t) % (size - 12)
        img[yy:yy + 12, xx:xx + 12] = color
        out[t] = img.clip(0, 255)
    return out


@pytest.fixture
def clips():
    rng = np.random.default_rng(0)
    return [moving_clip(rng) for _ in range(4)]


@pytest.fixture
def lpips_path():
    path = os.path.join(REPO, "weights", "lpips_alexnet.safetensors")
    if not os.path.exists(path):
        pytest.skip("weights/lpips_alexnet.safetensors missing: run python scripts/fetch_lpips.py")
    return path
