"""Build the training pack (.gpu/pack.vtp, training/pack_format.py) from ../shared/data.

Train clips and photos are resized (Lanczos) to short side --short (160) and, when the long
side exceeds --long-cap (288), centre-cropped to it (both sides even, as yuv444p H.264 wants
them); a clip longer than --max-frames (512) is kept as --max-frames // --segment evenly spaced
contiguous runs of --segment (128) frames, each its own entry. Every train clip is one H.264
member at --crf (16); photos are JPEG (--quality 90) stills. Val clips are stored as the
evaluation input itself: short side 128, centre crop 128x128, every frame, at --val-crf (10), so
the GPU machine can evaluate without the original files.

    python -m training.pack_data --out .gpu/pack.vtp        # also copies the LPIPS weights
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from PIL import Image

from .pack_format import encode_h264, encode_jpeg, write_pack

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
DATA = os.path.join(REPO, "..", "shared", "data")


def resize_short(img: Image.Image, short: int, long_cap: int) -> Image.Image:
    """Resize so the short side is `short`, then centre-crop the long side to `long_cap`
    (rounded down to even; the short side is kept as it is)."""
    w, h = img.size
    s = short / min(w, h)
    nw, nh = max(short, round(w * s)), max(short, round(h * s))
    img = img.resize((nw, nh), Image.LANCZOS)
    cw = min(nw, long_cap) if nw == short else min(nw, long_cap) // 2 * 2
    ch = min(nh, long_cap) if nh == short else min(nh, long_cap) // 2 * 2
    x0, y0 = (nw - cw) // 2, (nh - ch) // 2
    return img.crop((x0, y0, x0 + cw, y0 + ch))


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


def entry(name: str, split: str, fps: float, frames: np.ndarray, codec: str) -> dict:
    return {"name": name, "split": split, "width": int(frames.shape[2]), "height": int(frames.shape[1]),
            "fps": fps, "frames": int(frames.shape[0]), "codec": codec}


def pack_clip(row: dict, args) -> list[tuple[dict, bytes]]:
    """The members of one manifest row: the val crops, or the train clip (or its runs)."""
    path, fps = os.path.join(DATA, row["file"]), float(row["fps"])
    if row["split"] == "val":
        frames = np.stack([np.asarray(resize_short(f, 128, 128)) for f in decode_frames(path)])
        return [(entry(row["file"], "val", fps, frames, "h264"), encode_h264(frames, fps, args.val_crf))]
    runs = segments(int(row["frames"]), args.max_frames, args.segment)
    wanted = {i for r in runs for i in r}
    kept = {i: np.asarray(resize_short(f, args.short, args.long_cap))
            for i, f in enumerate(decode_frames(path)) if i in wanted}
    out = []
    for k, r in enumerate(runs):
        frames = [kept[i] for i in r if i in kept]  # a file may hold fewer frames than listed
        if frames:
            name = row["file"] if len(runs) == 1 else f"{row['file']}#{k}"
            clip = np.stack(frames)
            out.append((entry(name, "train", fps, clip, "h264"), encode_h264(clip, fps, args.crf)))
    return out


def still_members(args) -> list[tuple[dict, bytes]]:
    out = []
    for sub in sorted(os.listdir(os.path.join(DATA, "images"))):
        folder = os.path.join(DATA, "images", sub)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            try:
                img = np.asarray(resize_short(Image.open(os.path.join(folder, name)).convert("RGB"),
                                              args.short, args.long_cap))
            except OSError:
                continue
            out.append((entry(f"images/{sub}/{name}", "still", 0.0, img[None], "jpeg"),
                        encode_jpeg(img, args.quality)))
    return out


def pack(args) -> None:
    rows = [r for r in read_manifest() if r["split"] in ("train", "val")]
    members = []
    with ProcessPoolExecutor(args.workers or os.cpu_count() or 1) as pool:
        for row, got in zip(rows, pool.map(pack_clip, rows, [args] * len(rows))):
            members.extend(got)
            size = sum(len(b) for _, b in got) / 2**10
            print(f"{row['file']}: {row['split']}, {sum(e['frames'] for e, _ in got)} frames kept, "
                  f"{size:.0f} KiB", flush=True)
    members.extend(still_members(args))
    out = os.path.abspath(args.out)
    params = {k: v for k, v in vars(args).items() if k not in ("out", "workers")}
    write_pack(out, [e for e, _ in members], [b for _, b in members], params)
    counts = {s: sum(e["frames"] for e, _ in members if e["split"] == s) for s in ("train", "val", "still")}
    print(f"wrote {out}: {os.path.getsize(out) / 2**20:.2f} MiB, frames {counts}")
    lp = os.path.join(REPO, "weights", "lpips_alexnet.safetensors")
    if os.path.exists(lp):
        shutil.copy(lp, os.path.join(os.path.dirname(out), "lpips_alexnet.safetensors"))
        print("copied LPIPS weights next to the pack")
    else:
        print("warning: weights/lpips_alexnet.safetensors missing (run scripts/fetch_lpips.py)",
              file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description="Build the H.264 training pack.")
    ap.add_argument("--out", default=os.path.join(REPO, ".gpu", "pack.vtp"))
    ap.add_argument("--short", type=int, default=160)
    ap.add_argument("--long-cap", type=int, default=288)
    ap.add_argument("--crf", type=int, default=16, help="H.264 quality of the train clips")
    ap.add_argument("--val-crf", type=int, default=10, help="H.264 quality of the val crops")
    ap.add_argument("--quality", type=int, default=90, help="JPEG quality of the stills")
    ap.add_argument("--max-frames", type=int, default=512)
    ap.add_argument("--segment", type=int, default=128)
    ap.add_argument("--workers", type=int, default=0, help="processes (0: all cores)")
    pack(ap.parse_args())


if __name__ == "__main__":
    main()
