"""Val PSNR/SSIM of a ViTok model and of the equal-floats bicubic baseline.

Protocol: every split=val clip of ../shared/data (decoded with PyAV), or the val entries of a
frame pack (--pack; JPEG q92 copies of the same crops, for machines without FFmpeg). Each
frame is resized (PIL Lanczos) to short side 128 and centre-cropped to 128x128; frames are cut
into consecutive 16-frame groups (a trailing partial group is dropped). The model encodes each
group to its latent mean and decodes (clamped); output is rounded to uint8 and compared with
the input: PSNR (peak 255, mean of per-frame values, and of the pooled MSE) and SSIM
(training/metrics.py, = scikit-image's Gaussian SSIM). The baseline has the same float count
as a latent (16*18*18*3 = 15552 vs 16384): each frame bicubic-downsampled (antialiased) to
18x18 and bicubic-upsampled back, clamped and rounded.

    python -m training.evaluate MODEL [MODEL ...] [--baseline] [--pack .gpu/pack.bin] [--groups N]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from .export import load_model
from .metrics import pooled_psnr, psnr_frames, ssim_frames

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")


def val_clips_from_data(data: str) -> list[tuple[str, np.ndarray]]:
    from .pack_data import decode_frames, resize_short  # noqa: PLC0415 - needs PyAV
    out = []
    with open(os.path.join(data, "MANIFEST.tsv"), newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["split"] == "val":
                frames = [np.asarray(resize_short(im, 128, 128)) for im in decode_frames(os.path.join(data, row["file"]))]
                out.append((row["file"], np.stack(frames)))
    return out


def val_clips_from_pack(pack: str) -> list[tuple[str, np.ndarray]]:
    from .data import load_pack  # noqa: PLC0415
    return [(c["name"], c["frames"]) for c in load_pack(pack, ("val",))]


def groups_of(clips, t: int = 16, limit: int = 0) -> torch.Tensor:
    """uint8 (G, T, 128, 128, 3) of consecutive t-frame groups of every clip; with `limit`,
    that many groups evenly spaced over the whole list (a subset that still spans every clip)."""
    groups = [frames[i:i + t] for _, frames in clips for i in range(0, len(frames) - t + 1, t)]
    if limit and limit < len(groups):
        groups = [groups[i] for i in np.linspace(0, len(groups) - 1, limit).round().astype(int)]
    return torch.from_numpy(np.stack(groups))


def summarize(label: str, psnr: list, mse: list, ssim: list, seconds: float) -> dict:
    p, m, s = torch.cat(psnr), torch.cat(mse), torch.cat(ssim)
    return {"model": label, "frames": int(p.numel()), "psnr_mean": round(float(p.mean()), 3),
            "psnr_pooled": round(pooled_psnr(m), 3), "ssim": round(float(s.mean()), 4),
            "seconds": round(seconds, 1)}


@torch.no_grad()
def evaluate_model(model, groups: torch.Tensor, device: torch.device, label: str, batch: int = 8) -> dict:
    model = model.to(device).eval()
    psnr, mse, ssim, t0 = [], [], [], time.time()
    for i in range(0, len(groups), batch):
        ref = groups[i:i + batch].to(device)  # (B, T, H, W, 3) uint8
        clip = ref.permute(0, 4, 1, 2, 3).float() / 127.5 - 1.0
        mean, _ = model.encode(clip)
        out = model.decode(mean)  # clamped (B, 3, T, H, W)
        out = ((out + 1.0) * 127.5).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 4, 1)
        a, b = ref.flatten(0, 1), out.flatten(0, 1)
        p, m = psnr_frames(a, b)
        psnr.append(p.cpu()), mse.append(m.cpu()), ssim.append(ssim_frames(a, b).cpu())
    return summarize(label, psnr, mse, ssim, time.time() - t0)


@torch.no_grad()
def evaluate_bicubic(groups: torch.Tensor, device: torch.device, side: int = 18) -> dict:
    psnr, mse, ssim, t0 = [], [], [], time.time()
    for g in groups:
        ref = g.to(device)  # (T, H, W, 3)
        x = ref.permute(0, 3, 1, 2).float()
        small = F.interpolate(x, size=(side, side), mode="bicubic", antialias=True, align_corners=False)
        up = F.interpolate(small, size=x.shape[-2:], mode="bicubic", align_corners=False)
        out = up.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1)
        p, m = psnr_frames(ref, out)
        psnr.append(p.cpu()), mse.append(m.cpu()), ssim.append(ssim_frames(ref, out).cpu())
    return summarize(f"bicubic {side}x{side} (equal floats)", psnr, mse, ssim, time.time() - t0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="PSNR/SSIM of ViTok models on the val clips.")
    ap.add_argument("models", nargs="*", help="fp32 safetensors files or int8 shard directories")
    ap.add_argument("--baseline", action="store_true", help="also the bicubic 18x18 baseline")
    ap.add_argument("--pack", default="", help="read val clips from this frame pack")
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--groups", type=int, default=0, help="only N evenly spaced 16-frame groups")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--json", default="", help="also append the results to this JSON-lines file")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    device = torch.device(args.device)
    clips = val_clips_from_pack(args.pack) if args.pack else val_clips_from_data(args.data)
    source = f"pack {args.pack}" if args.pack else f"{len(clips)} val clips of {os.path.abspath(args.data)}"
    results = []
    for path in args.models:
        model = load_model(path)
        groups = groups_of(clips, model.cfg.clip[0], args.groups)
        if tuple(groups.shape[2:4]) != tuple(model.cfg.clip[1:]):
            groups = resize_groups(groups, model.cfg.clip[1:])
        results.append(evaluate_model(model, groups, device, path))
    if args.baseline:
        results.append(evaluate_bicubic(groups_of(clips, 16, args.groups), device))
    for r in results:
        r["source"] = source
        print(json.dumps(r), flush=True)
        if args.json:
            with open(args.json, "a") as f:
                f.write(json.dumps(r) + "\n")
    return 0


def resize_groups(groups: torch.Tensor, size) -> torch.Tensor:
    """Resize (G, T, H, W, 3) uint8 groups to a smaller model's frame size (tiny test configs)."""
    g, t = groups.shape[:2]
    x = groups.flatten(0, 1).permute(0, 3, 1, 2).float()
    x = F.interpolate(x, size=tuple(size), mode="bilinear", antialias=True, align_corners=False)
    return x.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).reshape(g, t, *size, 3)


if __name__ == "__main__":
    sys.exit(main())
