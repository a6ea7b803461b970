"""Rate-distortion report: the ViTok tokenizer (.vtk at float16 and several --bits) against
libx264 at several CRFs, on the same frames, through the project's own tools.

Reference frames follow training/evaluate.py: every split=val clip of ../shared/data, resized
(PIL Lanczos) to short side 128 and centre-cropped to 128x128, cut into consecutive 16-frame
groups; --groups N keeps N evenly spaced groups. The groups are concatenated into one lossless
reference (FFV1, 8-bit RGB, in Matroska), which VideoReader decodes exactly to the numpy
frames (checked below). Every setting then runs the built vtkc once:
  tokenizer: vtkc compress -> vtkc score REF clip.vtk --metrics psnr,ssim (the .vtk itself:
             its latents decoded in memory, no video codec in between, the tokenizer's
             loss alone; bytes from vtkc info --json: latent payload and whole file)
  x264:      vtkc reencode --crf N -> vtkc score (bytes: the MP4 file)
(Before 2026-12-07 the .vtk rows went through `vtkc expand --crf 0`, whose H.264 4:2:0
output added its own loss; docs/RD_REPORT.md of that date and earlier measured that way.)

    python scripts/rd_report.py [--groups 16] [--vtkc .build/release/vtkc] [--out docs/RD_REPORT.md]
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
from training.evaluate import DATA, groups_of, val_clips_from_data  # noqa: E402

BITS = [3, 4, 5, 6, 7, 8]
CRFS = [51, 45, 40, 35, 30, 25, 20]


def write_reference(frames: np.ndarray, path: str, codec: str = "ffv1", pix_fmt: str = "bgr0",
                    options: dict | None = None) -> None:
    """uint8 (N, H, W, 3) frames -> a lossless RGB video at 25 fps (FFV1 bgr0 by default)."""
    import av  # noqa: PLC0415
    with av.open(path, "w") as out:
        stream = out.add_stream(codec, rate=25, options=options or {})
        stream.width, stream.height, stream.pix_fmt = frames.shape[2], frames.shape[1], pix_fmt
        for f in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(f, format="rgb24").reformat(format=pix_fmt)):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def read_back(path: str) -> np.ndarray:
    """The frames of `path` as VideoReader's conversion path sees them (PyAV, rgb24)."""
    import av  # noqa: PLC0415
    with av.open(path) as c:
        return np.stack([f.to_ndarray(format="rgb24") for f in c.decode(video=0)])


def vtkc(binary: str, *args: str) -> dict:
    r = subprocess.run([binary, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"vtkc {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
    return json.loads(r.stdout) if "--json" in args else {}


def score(binary: str, ref: str, dist: str) -> dict:
    s = vtkc(binary, "score", ref, dist, "--metrics", "psnr,ssim", "--json")["summary"]
    return {"psnr_mean": s["psnr_mean"], "psnr_pooled": s["psnr_pooled"], "ssim": s["ssim_mean"]}


def interpolate_bpp(x264: list[dict], psnr: float) -> float | None:
    """bpp at which x264 reaches `psnr` (pooled), linear in log(bpp) between CRF points."""
    pts = sorted((r["psnr_pooled"], r["bpp"]) for r in x264)
    for (p0, b0), (p1, b1) in zip(pts, pts[1:]):
        if p0 <= psnr <= p1 and p1 > p0:
            t = (psnr - p0) / (p1 - p0)
            return float(np.exp(np.log(b0) + t * (np.log(b1) - np.log(b0))))
    return None


def table(rows: list[dict], f16_bytes: int) -> str:
    lines = ["| setting | bpp (file) | bpp (latents) | PSNR mean | PSNR pooled | SSIM | size vs float16 |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lat = f"{r['latent_bpp']:.4f}" if "latent_bpp" in r else "-"
        ratio = f"{100 * r['bytes'] / f16_bytes:.1f}%" if r["bytes"] else "-"
        bpp = f"{r['bpp']:.4f}" if r["bytes"] else "-"
        lines.append(f"| {r['setting']} | {bpp} | {lat} | {r['psnr_mean']:.3f} | {r['psnr_pooled']:.3f} "
                     f"| {r['ssim']:.4f} | {ratio} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--groups", type=int, default=16, help="evenly spaced 16-frame groups (0: all)")
    ap.add_argument("--vtkc", default=os.path.join(REPO, ".build", "release", "vtkc"))
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--bits", default=",".join(map(str, BITS)))
    ap.add_argument("--crfs", default=",".join(map(str, CRFS)))
    ap.add_argument("--preset", default="medium", help="x264 preset for the CRF sweep")
    ap.add_argument("--out", help="write the markdown report here and the raw JSON beside it (.json)")
    a = ap.parse_args(argv)
    if not os.path.exists(a.vtkc):
        raise SystemExit(f"{a.vtkc} not found: build it with `swift build -c release --product vtkc`")
    groups = groups_of(val_clips_from_data(a.data), 16, a.groups).numpy()
    frames = groups.reshape(-1, *groups.shape[2:])
    pixels = frames.shape[0] * frames.shape[1] * frames.shape[2]
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="rd-") as tmp:
        ref = os.path.join(tmp, "ref.mkv")
        write_reference(frames, ref)
        back = read_back(ref)
        ref_error = int(np.abs(back.astype(int) - frames).max()) if back.shape == frames.shape else -1
        if ref_error != 0:
            raise SystemExit(f"the FFV1 reference does not decode exactly (max error {ref_error})")
        # A second, independent lossless path (libx264rgb, CRF 0, rgb24): vtkc score must find
        # the two identical, so VideoReader's decode of the FFV1 file is exact too.
        check = os.path.join(tmp, "check.mp4")
        write_reference(frames, check, "libx264rgb", "rgb24", {"crf": "0", "preset": "ultrafast"})
        same = score(a.vtkc, ref, check)
        if same["psnr_pooled"] != "inf":
            raise SystemExit(f"VideoReader does not decode the lossless references identically: {same}")
        encodings = [("float16", ["--latent-encoding", "float16"])] + [
            (f"--bits {b}", ["--bits", b]) for b in a.bits.split(",")]
        for name, flags in encodings:
            vtk = os.path.join(tmp, "t.vtk")
            vtkc(a.vtkc, "compress", ref, "-o", vtk, "-y", "-q", *flags)
            info = vtkc(a.vtkc, "info", vtk, "--json")
            rows.append({"setting": f".vtk {name}", "kind": "vtk", "bytes": info["bytes"]["file"],
                         "encoding": info["latent_encoding"],
                         "latent_bytes": info["bytes"]["latents"], "bpp": info["bits_per_pixel"],
                         "latent_bpp": info["latent_bits_per_pixel"], **score(a.vtkc, ref, vtk)})
            print(f"{rows[-1]['setting']}: {rows[-1]['bpp']:.4f} bpp, {rows[-1]['psnr_pooled']:.3f} dB", file=sys.stderr)
        for crf in a.crfs.split(","):
            mp4 = os.path.join(tmp, f"x264-{crf}.mp4")
            r = vtkc(a.vtkc, "reencode", ref, "-o", mp4, "--crf", crf, "--preset", a.preset, "--json")
            rows.append({"setting": f"x264 crf {crf} ({a.preset})", "kind": "x264", "bytes": r["bytes"],
                         "bpp": r["bits_per_pixel"], **score(a.vtkc, ref, mp4)})
            print(f"{rows[-1]['setting']}: {rows[-1]['bpp']:.4f} bpp, {rows[-1]['psnr_pooled']:.3f} dB", file=sys.stderr)
    f16 = next(r for r in rows if r["setting"] == ".vtk float16")
    for r in rows:
        if r["kind"] == "vtk":
            r["psnr_loss_vs_float16"] = f16["psnr_pooled"] - r["psnr_pooled"]
            r["size_vs_float16"] = r["bytes"] / f16["bytes"]
    x264 = [r for r in rows if r["kind"] == "x264"]
    quantized_encoding = next((r["encoding"].split(", ", 1)[-1] for r in rows if r["kind"] == "vtk" and r["setting"] != ".vtk float16"),
                              "none")
    quantized = [r for r in rows if r["kind"] == "vtk" and r is not f16]
    meeting = [r for r in quantized if r["psnr_loss_vs_float16"] <= 0.1]
    smallest = min(meeting, key=lambda r: r["bytes"]) if meeting else None
    lines = [
        "# Rate-distortion report: ViTok S-B/4x8 .vtk vs libx264",
        "",
        f"Generated {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC by",
        "",
        f"    python scripts/rd_report.py --groups {a.groups} --out {a.out or '-'}",
        "",
        f"Frames: {frames.shape[0]} ({groups.shape[0]} groups of 16) at {frames.shape[2]}x{frames.shape[1]}, "
        "split=val clips of ../shared/data, short-side Lanczos resize to 128 and centre crop "
        "(training/evaluate.py's protocol), concatenated into one FFV1 RGB reference that decodes "
        "exactly (max error 0). Default model (models/vitok-sb4x8). bpp = bits over width x height x "
        f"frames ({pixels} pixels). .vtk rows: compress, then score the .vtk itself (latents "
        "decoded in memory: the tokenizer's loss alone, no video codec). PSNR pooled is "
        "from the MSE over all frames; PSNR mean averages per-frame PSNR.",
        "",
        f"vtkc {subprocess.run([a.vtkc, '--version'], capture_output=True, text=True).stdout.strip()}; "
        f"latent coding of the quantized rows (`vtkc info`): {quantized_encoding}.",
        "",
        table(rows, f16["bytes"]),
        "",
        "PSNR loss against float16 latents (pooled): " + ", ".join(
            f"{r['setting'].removeprefix('.vtk ')}: {r['psnr_loss_vs_float16']:+.3f} dB" for r in quantized) + ".",
        "",
    ]
    if smallest:
        lines.append(f"Smallest setting within 0.1 dB of float16: {smallest['setting']}, "
                     f"{100 * smallest['size_vs_float16']:.1f}% of the float16 file.")
    else:
        lines.append("No quantized setting stays within 0.1 dB of float16.")
    for r in [f16] + ([smallest] if smallest else []):
        b = interpolate_bpp(x264, r["psnr_pooled"])
        lines.append(f"x264 ({a.preset}) reaches the pooled PSNR of {r['setting']} ({r['psnr_pooled']:.2f} dB) at "
                     + (f"about {b:.4f} bpp (log-linear between CRF points), vs {r['bpp']:.4f} bpp for the .vtk file."
                        if b else "no bpp within the CRF sweep."))
    report = "\n".join(lines) + "\n"
    print(report)
    if a.out:
        with open(a.out, "w") as f:
            f.write(report)
        with open(os.path.splitext(a.out)[0] + ".json", "w") as f:
            json.dump({"groups": int(groups.shape[0]), "frames": int(frames.shape[0]), "pixels": pixels,
                       "preset": a.preset, "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
