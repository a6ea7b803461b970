"""Helpers of the vtkc_py tests: the repository root, the tiny test model, and small Y4M clips
written here (FFmpeg reads Y4M natively; no encoder needed)."""
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]

# The engine's tiny golden model (clips of 16 x 32 x 32, 64 x 16 latents per tile), as the
# Swift CLI tests use it.
TINY_MODEL = REPO / "Tests" / "ViTokTests" / "Fixtures" / "golden" / "tiny-int8"


def write_y4m(path, width, height, frames, seed=0):
    """A 4:4:4 Y4M clip of moving gradients with a little noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F30000:1001 Ip A1:1 C444\n".encode())
        for t in range(frames):
            luma = (x * 5 + y * 3 + t * 7 + rng.integers(0, 9, (height, width))) % 256
            f.write(b"FRAME\n")
            for plane in (luma, (x * 2 + 60 + t) % 256, (y * 4 + 90) % 256):
                f.write(plane.astype(np.uint8).tobytes())
