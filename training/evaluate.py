"""The val report: PSNR/SSIM/LPIPS of ViTok models, at float32 and int8, and of the equal-floats
bicubic baseline. Every new model is judged with this one command.

Protocol: every split=val clip of ../shared/data (decoded with PyAV), or the val entries of a
frame pack (--pack; JPEG q92 copies of the same crops, for machines without FFmpeg). Each
frame is resized (PIL Lanczos) to short side 128 and centre-cropped to 128x128; frames are cut
into consecutive 16-frame groups (a trailing partial group is dropped). The model encodes each
group to its latent mean and decodes (clamped); output is rounded to uint8 and compared with
the input: PSNR (peak 255, mean of per-frame values, and of the pooled MSE), SSIM
(training/metrics.py, = scikit-image's Gaussian SSIM) and LPIPS (AlexNet v0.1, mean over
frames; when weights/lpips_alexnet.safetensors or .gpu/ has it). Precisions: float32 runs the
(dequantized) weights in float32, as `vtkc --precision float32` does; int8 runs the int8
engine's arithmetic (training/vitok/int8.py: int8 weights, per-token 7-bit activations, exact
integer products) with float32 attention, as `vtkc --precision int8 --attention float32` does
(and the default on CPUs without native bf16 kernels); int8-bf16 adds the engine's bf16
attention, the default where oneDNN has native bf16 kernels (on the val clips the two differ by
under 0.001 dB). The baseline has the same float count
as a latent (16*18*18*3 = 15552 vs 16384): each frame bicubic-downsampled (antialiased) to
18x18 and bicubic-upsampled back, clamped and rounded.

    python -m training.evaluate MODEL [MODEL ...] [--precision float32 int8 int8-bf16] [--baseline]
                                [--pack .gpu/pack.vtp] [--groups N] [--json F] [--markdown F]
"""
from __future__ import annotations

import argparse
import copy
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
from .vitok.int8 import to_int8

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


class Scores:
    """Per-frame PSNR, MSE, SSIM and (with a network) LPIPS of (reference, output) batches."""

    def __init__(self, lpips=None):
        self.lpips, self.parts, self.t0 = lpips, {"psnr": [], "mse": [], "ssim": [], "lpips": []}, time.time()

    def add(self, ref: torch.Tensor, out: torch.Tensor) -> None:  # uint8 (N, H, W, 3)
        p, m = psnr_frames(ref, out)
        self.parts["psnr"].append(p.cpu()), self.parts["mse"].append(m.cpu())
        self.parts["ssim"].append(ssim_frames(ref, out).cpu())
        if self.lpips is not None:
            unit = lambda x: x.permute(0, 3, 1, 2).float() / 127.5 - 1.0  # noqa: E731
            self.parts["lpips"].append(self.lpips(unit(ref), unit(out)).float().cpu())

    def summary(self, label: str, precision: str = "") -> dict:
        p, m, s = (torch.cat(self.parts[k]) for k in ("psnr", "mse", "ssim"))
        out = {"model": label, "precision": precision, "frames": int(p.numel()),
               "psnr_mean": round(float(p.mean()), 3), "psnr_pooled": round(pooled_psnr(m), 3),
               "ssim": round(float(s.mean()), 4)}
        if self.parts["lpips"]:
            out["lpips"] = round(float(torch.cat(self.parts["lpips"]).mean()), 4)
        return {**out, "seconds": round(time.time() - self.t0, 1)}


@torch.no_grad()
def evaluate_model(model, groups: torch.Tensor, device: torch.device, label: str, batch: int = 8,
                   lpips=None, precision: str = "float32") -> dict:
    model = copy.deepcopy(model).to(device).eval()
    if precision.startswith("int8"):
        to_int8(model, attention="bf16" if precision == "int8-bf16" else "float32")
    scores = Scores(lpips)
    for i in range(0, len(groups), batch):
        ref = groups[i:i + batch].to(device)  # (B, T, H, W, 3) uint8
        clip = ref.permute(0, 4, 1, 2, 3).float() / 127.5 - 1.0
        mean, _ = model.encode(clip)
        out = model.decode(mean)  # clamped (B, 3, T, H, W)
        out = ((out + 1.0) * 127.5).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 4, 1)
        scores.add(ref.flatten(0, 1), out.flatten(0, 1))
    return scores.summary(label, precision)


@torch.no_grad()
def evaluate_bicubic(groups: torch.Tensor, device: torch.device, side: int = 18, lpips=None) -> dict:
    scores = Scores(lpips)
    for g in groups:
        ref = g.to(device)  # (T, H, W, 3)
        x = ref.permute(0, 3, 1, 2).float()
        small = F.interpolate(x, size=(side, side), mode="bicubic", antialias=True, align_corners=False)
        up = F.interpolate(small, size=x.shape[-2:], mode="bicubic", align_corners=False)
        scores.add(ref, up.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1))
    return scores.summary(f"bicubic {side}x{side} (equal floats)")


def markdown(results: list[dict], source: str) -> str:
    """The report as a Markdown table (what training/README.md and the closing notes quote)."""
    rows = ["| model | precision | frames | PSNR mean | PSNR pooled | SSIM | LPIPS |",
            "|---|---|---|---|---|---|---|"]
    for r in results:
        rows.append(f"| {r['model']} | {r['precision'] or '-'} | {r['frames']} | {r['psnr_mean']:.3f} dB "
                    f"| {r['psnr_pooled']:.3f} dB | {r['ssim']:.4f} | {r.get('lpips', float('nan')):.4f} |")
    return f"Val report on {source}\n\n" + "\n".join(rows) + "\n"


def load_lpips(device: torch.device):
    from .vitok.lpips import LPIPS  # noqa: PLC0415
    try:
        return LPIPS().to(device)
    except FileNotFoundError as exc:
        print(f"warning: no LPIPS column: {exc}", file=sys.stderr)
        return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="The val report: PSNR/SSIM/LPIPS of ViTok models.")
    ap.add_argument("models", nargs="*", help="fp32 safetensors files or int8 shard directories")
    ap.add_argument("--precision", nargs="+", default=["float32", "int8"], choices=("float32", "int8", "int8-bf16"),
                    help="int8: the int8 engine with float32 attention; int8-bf16: with bf16 attention, "
                         "its default where oneDNN has native bf16 kernels")
    ap.add_argument("--baseline", action="store_true", help="also the bicubic 18x18 baseline")
    ap.add_argument("--pack", default="", help="read val clips from this frame pack")
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--groups", type=int, default=0, help="only N evenly spaced 16-frame groups")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--json", default="", help="also append the results to this JSON-lines file")
    ap.add_argument("--markdown", default="", help="also write the report table to this file")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    device = torch.device(args.device)
    clips = val_clips_from_pack(args.pack) if args.pack else val_clips_from_data(args.data)
    source = f"pack {args.pack}" if args.pack else f"{len(clips)} val clips of {os.path.relpath(args.data)}"
    results, lpips = [], load_lpips(device)
    for path in args.models:
        model = load_model(path)
        groups = groups_of(clips, model.cfg.clip[0], args.groups)
        if tuple(groups.shape[2:4]) != tuple(model.cfg.clip[1:]):
            groups = resize_groups(groups, model.cfg.clip[1:])
        for precision in args.precision:
            results.append(evaluate_model(model, groups, device, path, lpips=lpips, precision=precision))
    if args.baseline:
        results.append(evaluate_bicubic(groups_of(clips, 16, args.groups), device, lpips=lpips))
    for r in results:
        r["source"] = source
        print(json.dumps(r), flush=True)
        if args.json:
            with open(args.json, "a") as f:
                f.write(json.dumps(r) + "\n")
    print(markdown(results, source))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(markdown(results, source))
    return 0


def resize_groups(groups: torch.Tensor, size) -> torch.Tensor:
    """Resize (G, T, H, W, 3) uint8 groups to a smaller model's frame size (tiny test configs)."""
    g, t = groups.shape[:2]
    x = groups.flatten(0, 1).permute(0, 3, 1, 2).float()
    x = F.interpolate(x, size=tuple(size), mode="bilinear", antialias=True, align_corners=False)
    return x.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).reshape(g, t, *size, 3)


if __name__ == "__main__":
    sys.exit(main())
