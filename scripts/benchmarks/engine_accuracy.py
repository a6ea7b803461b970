"""The int8 engine's cost in quality against the float32 engine, end to end on real footage,
with float32 attention ("int8") and with the default automatic attention ("default": bf16
where the CPU has native bf16 kernels).

README protocol (scripts/rd_report.py, training/evaluate.py): the split=val clips of
../shared/data, short side resized to 128 and centre-cropped, cut into 16-frame groups
(`groups` evenly spaced ones, 0 for all) and written as one lossless FFV1 reference; then per
engine `vtkc compress FLAGS` (default latent encoding) -> `vtkc expand FLAGS --crf 0` -> `vtkc score --metrics psnr,ssim` against the reference, with the default model.
"""
from __future__ import annotations

import os
import tempfile
import time

from scripts.rd_report import score, vtkc, write_reference
from training.evaluate import DATA, groups_of, val_clips_from_data

ENGINES = {"float32": ["--precision", "float32"],
           "int8": ["--precision", "int8", "--attention", "float32"],
           "default": []}


def measure(binary: str, groups: int = 0, data: str = DATA, threads: int = 2) -> dict | None:
    """Scores per precision and int8's loss against float32; None when `data` is absent."""
    if not os.path.exists(os.path.join(data, "MANIFEST.tsv")):
        print(f"accuracy: skipped, no {data}/MANIFEST.tsv (the val clips of ../shared/data)")
        return None
    clips = val_clips_from_data(data)
    chosen = groups_of(clips, 16, groups).numpy()
    frames = chosen.reshape(-1, *chosen.shape[2:])
    result = {"clips": [name for name, _ in clips], "groups": int(chosen.shape[0]),
              "frames": int(frames.shape[0])}
    with tempfile.TemporaryDirectory(prefix="int8-accuracy-") as tmp:
        ref = os.path.join(tmp, "ref.mkv")
        write_reference(frames, ref)
        for precision, engine in ENGINES.items():
            vtk, mp4 = os.path.join(tmp, f"{precision}.vtk"), os.path.join(tmp, f"{precision}.mp4")
            flags = [*engine, "--threads", str(threads), "-y", "-q"]
            start = time.perf_counter()
            vtkc(binary, "compress", ref, "-o", vtk, *flags)
            vtkc(binary, "expand", vtk, "-o", mp4, *flags, "--crf", "0", "--preset", "ultrafast")
            result[precision] = {**score(binary, ref, mp4),
                                 "seconds": round(time.perf_counter() - start, 1)}
            metadata = vtkc(binary, "info", vtk, "--json").get("metadata", {})
            result[precision]["recorded"] = (f"{metadata.get('engine_precision')}/"
                                             f"{metadata.get('engine_attention', 'float32')}")
    f32, i8, default = result["float32"], result["int8"], result["default"]
    result["psnr_pooled_loss_db"] = f32["psnr_pooled"] - i8["psnr_pooled"]
    result["ssim_loss"] = f32["ssim"] - i8["ssim"]
    result["default_psnr_pooled_loss_db"] = f32["psnr_pooled"] - default["psnr_pooled"]
    result["default_ssim_loss"] = f32["ssim"] - default["ssim"]
    return result


def report(result: dict) -> list[str]:
    """The accuracy lines of the engine benchmark's summary."""
    lines = [f"accuracy on {result['frames']} frames ({result['groups']} groups of 16) of the "
             f"val clips {', '.join(os.path.basename(c) for c in result['clips'])}, "
             "compress -> expand --crf 0 -> score, default model:"]
    for precision in ENGINES:
        r = result[precision]
        lines.append(f"  {precision:8s} PSNR pooled {r['psnr_pooled']:.3f} dB, mean "
                     f"{r['psnr_mean']:.3f} dB, SSIM {r['ssim']:.4f} ({r['seconds']} s; .vtk "
                     f"records precision/attention {r['recorded']})")
    for name, key in (("int8", ""), ("default", "default_")):
        loss, ssim = result[f"{key}psnr_pooled_loss_db"], result[f"{key}ssim_loss"]
        lines.append(f"  {name} vs float32: {loss:+.3f} dB pooled PSNR (target <= 0.1: "
                     f"{'ok' if loss <= 0.1 else 'MISSED'}), {ssim:+.4f} SSIM (target <= 0.002: "
                     f"{'ok' if ssim <= 0.002 else 'MISSED'})")
    return lines
