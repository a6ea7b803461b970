"""Writes the I3D / rFVD test fixtures of Tests/MetricsTests/Fixtures from the PyTorch reference.

    /work/venv/bin/python training/reference/i3d_fixtures.py \
        --weights weights/i3d_kinetics400.safetensors --out Tests/MetricsTests/Fixtures

Files:
  i3d_clips.u8      4 procedural clips, 16 x 32 x 32 x 3 uint8 each, concatenated (seed 5)
  i3d_logits.json   their I3D logits (resize to 224 + network, reference), the FVD of clips
                    {0, 1} against {2, 3}, and the all-black vs all-white anchor
  i3d_resize.json   bilinear resizes (torch F.interpolate, align_corners=False, no antialias)
                    of small random RGB images, up and down
  fvd_frechet.json  Frechet distances of random feature sets: full rank (scipy.linalg.sqrtm)
                    and rank-deficient (fewer samples than dimensions; eigenvalue reference)
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from i3d_torch import I3DReference, frechet_distance, resize_frames  # noqa: E402


def procedural_clips(count, frames=16, size=32, seed=5):
    """Moving coloured blobs over drifting gradients plus noise: varied, deterministic content."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) / size
    clips = np.zeros((count, frames, size, size, 3), np.uint8)
    for n in range(count):
        base = rng.uniform(0, 255, 3)
        slope = rng.uniform(-200, 200, (2, 3))
        blobs = [(rng.uniform(0, 1, 2), rng.uniform(-0.04, 0.04, 2), rng.uniform(0.08, 0.25),
                  rng.uniform(0, 255, 3)) for _ in range(3)]
        for t in range(frames):
            img = base + xx[..., None] * slope[0] + yy[..., None] * slope[1] * np.cos(t / 5 + n)
            for centre, velocity, radius, colour in blobs:
                cy, cx = centre + velocity * t
                mask = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * radius ** 2))[..., None]
                img = img * (1 - mask) + colour * mask
            img += rng.normal(0, 8, img.shape)
            clips[n, t] = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    return clips


def eigen_frechet(a, b):
    """Frechet distance via eigenvalues of S1^1/2 S2 S1^1/2 (stable for singular covariances)."""
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = np.linalg.eigh(s1)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = root @ s2 @ root
    cross = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * cross)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights", default="weights/i3d_kinetics400.safetensors")
    parser.add_argument("--out", default="Tests/MetricsTests/Fixtures")
    args = parser.parse_args()
    out = Path(args.out)
    torch.set_num_threads(2)

    clips = procedural_clips(4)
    (out / "i3d_clips.u8").write_bytes(clips.tobytes())
    model = I3DReference.load(args.weights)
    logits = np.concatenate([model(resize_frames(clips[i:i + 1])).numpy() for i in range(4)])
    feats = logits.astype(np.float64)
    black = model(np.full((1, 16, 224, 224, 3), -1, np.float32)).numpy().astype(np.float64)
    white = model(np.full((1, 16, 224, 224, 3), 1, np.float32)).numpy().astype(np.float64)
    fixture = {
        "frames": 16, "height": 32, "width": 32, "clips": 4,
        "logits": logits.tolist(),
        "fvd_01_vs_23": eigen_frechet(feats[:2], feats[2:]),
        "fvd_01_vs_23_sqrtm": frechet_distance(feats[:2], feats[2:]),
        "black_vs_white": float(((black - white) ** 2).sum()),
    }
    (out / "i3d_logits.json").write_text(json.dumps(fixture) + "\n")

    rng = np.random.default_rng(11)
    cases = []
    for (h, w), (oh, ow) in [((9, 13), (20, 24)), ((30, 40), (11, 17)), ((5, 7), (5, 7))]:
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        x = torch.from_numpy(img).float().permute(2, 0, 1)[None]
        y = F.interpolate(x, size=(oh, ow), mode="bilinear", align_corners=False, antialias=False)
        cases.append({"width": w, "height": h, "out_width": ow, "out_height": oh,
                      "pixels": img.reshape(-1).tolist(),
                      "expected": y[0].permute(1, 2, 0).reshape(-1).tolist()})
    (out / "i3d_resize.json").write_text(json.dumps(cases) + "\n")

    rng = np.random.default_rng(7)
    mix = rng.normal(0, 1, (16, 16))
    a = rng.normal(0, 1, (40, 16)) @ mix
    b = rng.normal(0.3, 1, (30, 16)) @ (mix + 0.2 * rng.normal(0, 1, (16, 16)))
    c = rng.normal(0, 2, (6, 32))
    d = rng.normal(0.5, 1, (9, 32))
    frechet = [
        {"a": a.tolist(), "b": b.tolist(), "expected": frechet_distance(a, b), "method": "scipy.linalg.sqrtm"},
        {"a": c.tolist(), "b": d.tolist(), "expected": eigen_frechet(c, d), "method": "numpy eigh",
         "sqrtm": frechet_distance(c, d)},
    ]
    (out / "fvd_frechet.json").write_text(json.dumps(frechet) + "\n")
    print(json.dumps({k: v for k, v in fixture.items() if k != "logits"}))
    print("frechet:", [(f["expected"], f.get("sqrtm")) for f in frechet])
    print("full-rank eigen check:", eigen_frechet(a, b))


if __name__ == "__main__":
    main()
