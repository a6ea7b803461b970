"""Build the compact training pack (.gpu/pack.bin) from ../shared/data.

Layout of the pack (little-endian): magic b"VTKPACK1", uint64 n = length of a UTF-8 JSON
index, the index, then the JPEG bytes of every frame back to back. The index holds
{"version": 1, "params": {...}, "clips": [{"name", "split" ("train"|"val"|"still"),
"width", "height", "fps", "frames": [[offset, length], ...]}]}; offsets count from the first
byte after the index.

Frames: train clips and photos are resized (Lanczos) to short side --short (160) and, when the
long side exceeds --long-cap (288), centre-cropped to it; clips longer than --max-frames are
stored as evenly spaced contiguous segments of --segment frames (each its own clip entry).
Val clips are stored as the evaluation input itself: short side 128, centre crop 128x128
(JPEG --val-quality), every frame, so the GPU machine can evaluate without FFmpeg.

    python -m training.pack_data --out .gpu/pack.bin        # also copies the LPIPS weights
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import struct
import sys
import tempfile

import numpy as np
from PIL import Image

from .data import MAGIC  # noqa: E402  (one definition of the pack format)
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
DATA = os.path.join(REPO, "..", "shared", "data")


def resize_short(img: Image.Image, short: int, long_cap: int) -> Image.Image:
    """Resize so the short side is `short`, then centre-crop the long side to `long_cap`."""
    w, h = img.size
    s = short / min(w, h)
    nw, nh = max(short, round(w * s)), max(short, round(h * s))
    img = img.resize((nw, nh), Image.LANCZOS)
    cw, ch = min(nw, long_cap), min(nh, long_cap)
    x0, y0 = (nw - cw) // 2, (nh - ch) // 2
    return img.crop((x0, y0, x0 + cw, y0 + ch))


def jpeg(img: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality, subsampling=0 if quality >= 95 else 2)
    return buf.getvalue()


def decode_frames(path: str):
    """Yield PIL RGB frames of a video file (PyAV; a dev-time dependency only)."""
    import av  # noqa: PLC0415 - optional, only the pack builder needs it
    with av.open(path) as container:
        for frame in container.decode(video=0):
            yield frame.to_image()


def segments(n: int, max_frames: int, seg: int) -> list[range]:
    """All frames when n <= max_frames, else max_frames//seg evenly spaced runs of seg frames."""
    if n <= max_frames:
        return [range(n)]
    k = max(1, max_frames // seg)
    starts = np.linspace(0, n - seg, k).round().astype(int)
    return [range(s, s + seg) for s in starts]


def read_manifest() -> list[dict]:
    with open(os.path.join(DATA, "MANIFEST.tsv"), newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def write_pack(out: str, clips: list[dict], blobs: list[bytes], params: dict) -> None:
    """Write index + frame bytes (offsets in `clips` index into the concatenated blobs)."""
    index = json.dumps({"version": 1, "params": params, "clips": clips}).encode()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(out)), suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(MAGIC + struct.pack("<Q", len(index)) + index)
        for b in blobs:
            f.write(b)
    os.replace(tmp, out)


def pack(args) -> None:
    blobs, clips, offset = [], [], 0

    def add(name, split, fps, frames_bytes, size):
        nonlocal offset
        entry = {"name": name, "split": split, "width": size[0], "height": size[1], "fps": fps,
                 "frames": []}
        for b in frames_bytes:
            entry["frames"].append([offset, len(b)])
            blobs.append(b)
            offset += len(b)
        clips.append(entry)

    for row in read_manifest():
        split, path = row["split"], os.path.join(DATA, row["file"])
        if split not in ("train", "val"):
            continue
        frames = list(decode_frames(path))
        fps = float(row["fps"])
        if split == "val":
            imgs = [resize_short(f, 128, 128) for f in frames]
            add(row["file"], "val", fps, [jpeg(i, args.val_quality) for i in imgs], imgs[0].size)
        else:
            for k, r in enumerate(segments(len(frames), args.max_frames, args.segment)):
                imgs = [resize_short(frames[i], args.short, args.long_cap) for i in r]
                name = row["file"] if len(r) == len(frames) else f"{row['file']}#{k}"
                add(name, "train", fps, [jpeg(i, args.quality) for i in imgs], imgs[0].size)
        print(f"{row['file']}: {split}, {len(frames)} frames, pack {offset / 2**20:.1f} MiB", flush=True)
    for sub in sorted(os.listdir(os.path.join(DATA, "images"))):
        folder = os.path.join(DATA, "images", sub)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            try:
                img = resize_short(Image.open(os.path.join(folder, name)).convert("RGB"),
                                   args.short, args.long_cap)
            except OSError:
                continue
            add(f"images/{sub}/{name}", "still", 0.0, [jpeg(img, args.quality)], img.size)
    out = os.path.abspath(args.out)
    write_pack(out, clips, blobs, vars(args))
    counts = {s: sum(len(c["frames"]) for c in clips if c["split"] == s) for s in ("train", "val", "still")}
    print(f"wrote {out}: {os.path.getsize(out) / 2**20:.2f} MiB, frames {counts}")
    lp = os.path.join(REPO, "weights", "lpips_alexnet.safetensors")
    if os.path.exists(lp):
        shutil.copy(lp, os.path.join(os.path.dirname(out), "lpips_alexnet.safetensors"))
        print("copied LPIPS weights next to the pack")
    else:
        print("warning: weights/lpips_alexnet.safetensors missing (run scripts/fetch_lpips.py)",
              file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description="Build the JPEG frame pack for training.")
    ap.add_argument("--out", default=os.path.join(REPO, ".gpu", "pack.bin"))
    ap.add_argument("--short", type=int, default=160)
    ap.add_argument("--long-cap", type=int, default=288)
    ap.add_argument("--quality", type=int, default=85)
    ap.add_argument("--val-quality", type=int, default=92)
    ap.add_argument("--max-frames", type=int, default=256)
    ap.add_argument("--segment", type=int, default=64)
    pack(ap.parse_args())


if __name__ == "__main__":
    main()
