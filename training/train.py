"""Stage-1 ViTok trainer: python -m training.train --pack .gpu/pack.bin --minutes 7 --export out.safetensors

Loss MSE + LPIPS (on --lpips-frames random frames of each clip) + 1e-3 KL on the unclamped
decoder output; AdamW (0.9, 0.95), weight decay on matrices only, linear warmup then cosine;
grad clip 1.0; bf16 autocast and torch.compile of the whole forward pass and loss on CUDA
(--compile). Training stops at --steps or when the --minutes wall-clock budget (counted from
process start, so it includes data decoding and compilation) runs out; the fp32 export is
written in every case, even after a failure, from the last completed step. A run can go on
over several processes (--ckpt, --resume): the schedule then spans --schedule-minutes of
training time summed over all of them.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time

import torch

from . import export as exporter
from .checkpoint import load_checkpoint, save_checkpoint
from .data import ClipSampler, load_pack
from .objective import forward_flops, lr_at, psnr_from_mse, stage1_loss
from .vitok import config as configs
from .vitok.model import ViTok

START = time.time()
PEAK_FLOPS = {"H100": 989e12, "H200": 989e12, "A100": 312e12}
CONFIGS = {"sb4x8": configs.SB4x8, "sb8x8": configs.SB8x8, "sb4x16": configs.SB4x16, "tiny": configs.TINY}


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Train ViTok (stage 1) on the frame pack.")
    ap.add_argument("--config", default=os.environ.get("VTKC_CONFIG", "sb4x8"), choices=sorted(CONFIGS))
    ap.add_argument("--pack", default=".gpu/pack.bin")
    ap.add_argument("--minutes", type=float, default=0.0, help="wall-clock budget of this process (0: none)")
    ap.add_argument("--schedule-minutes", type=float, default=0.0,
                    help="the schedule spans this much training time over every resumed part "
                         "(0: what is left of --minutes after the first step)")
    ap.add_argument("--steps", type=int, default=0, help="step limit (0: none); sets the schedule")
    ap.add_argument("--stop-after", type=int, default=0,
                    help="end this run after N more steps (training in parts; the schedule follows --steps)")
    ap.add_argument("--batch", type=int, default=0, help="clips per step (0: 64 on GPU, 4 on CPU)")
    ap.add_argument("--probe-batch", action="store_true", help="shrink --batch to what fits in memory")
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--warmup", type=float, default=0.05, help="warmup fraction of training")
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--lpips-weight", type=float, default=1.0)
    ap.add_argument("--lpips-frames", type=int, default=4,
                    help="LPIPS on this many random frames of each clip (0: every frame)")
    ap.add_argument("--kl-weight", type=float, default=1e-3)
    ap.add_argument("--still-fraction", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--log-every", type=int, default=25)
    ap.add_argument("--log-file", default="")
    ap.add_argument("--ckpt", default="", help="checkpoint path (written every --ckpt-every steps and at the end)")
    ap.add_argument("--ckpt-every", type=int, default=0)
    ap.add_argument("--resume", action="store_true", help="continue exactly from --ckpt")
    ap.add_argument("--init", default="", help="start from these weights (safetensors or int8 dir)")
    ap.add_argument("--export", default="", help="fp32 safetensors written at the end")
    ap.add_argument("--model-name", default="vitok-sb4x8")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--compile", default="auto", choices=("auto", "model", "blocks", "none"),
                    help="torch.compile the whole step (model), each block, or nothing; auto: model on CUDA")
    ap.add_argument("--no-bf16", action="store_true")
    ap.add_argument("--workers", type=int, default=0, help="pack decoding processes (0: all cores)")
    return ap.parse_args(argv)


class Logger:
    def __init__(self, path: str):
        self.file = open(path, "a") if path else None

    def __call__(self, record: dict) -> None:
        line = json.dumps(record)
        print(line, flush=True)
        if self.file:
            self.file.write(line + "\n")
            self.file.flush()


def make_optimizer(model: torch.nn.Module, args, device: torch.device) -> torch.optim.AdamW:
    decay = [p for p in model.parameters() if p.ndim >= 2]
    plain = [p for p in model.parameters() if p.ndim < 2]
    groups = [{"params": decay, "weight_decay": args.weight_decay}, {"params": plain, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.95), fused=device.type == "cuda")


def probe_batch(model, lpips, sampler, args, device) -> int:
    """Largest batch <= args.batch that fits: eager memory at batches 2 and 4, extrapolated."""
    peaks = {}
    for b in (2, 4):
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
        clips = sampler.sample(b)
        with autocast(device, args):
            recon, parts = loss_of(model, lpips, clips, sampler.frame_subset(args.lpips_frames),
                                   args.lpips_weight, args.kl_weight)
            parts["loss"].backward()
        model.zero_grad(set_to_none=True)
        peaks[b] = torch.cuda.max_memory_allocated()
    per_clip = (peaks[4] - peaks[2]) / 2
    free = torch.cuda.get_device_properties(device).total_memory * 0.85 - (peaks[2] - 2 * per_clip)
    fit = max(1, int(free // max(per_clip, 1)))
    print(f"probe: {per_clip / 2**30:.2f} GiB per clip (eager), fits about {fit}", flush=True)
    return max(1, min(args.batch, fit // 8 * 8 if fit >= 8 else fit))


def autocast(device: torch.device, args):
    if device.type == "cuda" and not args.no_bf16:
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


COMPILE_FALLBACK = {"model": "blocks", "blocks": "none"}


def loss_of(model, lpips, clips, frames, lpips_weight: float, kl_weight: float):
    """The step's forward pass and loss: (reconstruction, loss parts). What --compile model compiles."""
    recon, mean, logvar = model(clips)
    return recon, stage1_loss(recon, clips, mean, logvar, lpips, lpips_weight, kl_weight, frames)


def compiled_step(model: ViTok, mode: str):
    """The forward-and-loss function for a --compile mode: the whole of it compiled ("model"),
    each transformer block compiled (identical blocks share one graph), or eager ("none")."""
    torch._dynamo.config.cache_size_limit = max(torch._dynamo.config.cache_size_limit, 64)
    for block in (*model.encoder.blocks, *model.decoder.blocks):
        if mode == "blocks":
            block.compile()
        else:
            block._compiled_call_impl = None
    return torch.compile(loss_of) if mode == "model" else loss_of


def forward_backward(step_fn, model, lpips, clips, frames, opt, args, device):
    """Loss of one batch and its gradients; returns (reconstruction, loss parts)."""
    with autocast(device, args):
        recon, parts = step_fn(model, lpips, clips, frames, args.lpips_weight, args.kl_weight)
    opt.zero_grad(set_to_none=True)
    parts["loss"].backward()
    return recon, parts


def build_model(args) -> ViTok:
    """Fresh model from the seed (or --init weights) on args.device."""
    torch.manual_seed(args.seed)
    model = exporter.load_model(args.init) if args.init else ViTok(CONFIGS[args.config])
    if model.cfg != CONFIGS[args.config]:
        raise SystemExit(f"error: --init {args.init} is not the {args.config} config")
    return model.to(args.device)


def train(args, model: ViTok, sampler: ClipSampler, lpips, log=print) -> list[dict]:
    """Train `model` in place; returns one record per step ({"step", "loss", ...})."""
    device = torch.device(args.device)
    cfg = model.cfg
    opt = make_optimizer(model, args, device)
    step, prior_seconds = load_checkpoint(args.ckpt, model, opt, sampler) if args.resume else (0, 0.0)
    if args.probe_batch and device.type == "cuda":
        args.batch = probe_batch(model, lpips, sampler, args, device)
    mode = args.compile if args.compile != "auto" else ("model" if device.type == "cuda" else "none")
    log({"event": "start", "config": args.config, "batch": args.batch, "lr": args.lr, "step": step,
         "trained_seconds": round(prior_seconds, 1), "compile": mode, "lpips_frames": args.lpips_frames,
         "params_m": round(sum(p.numel() for p in model.parameters()) / 1e6, 2)})
    step_fn = compiled_step(model, mode)
    deadline = START + 60 * args.minutes if args.minutes > 0 else float("inf")
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    peak = next((v for k, v in PEAK_FLOPS.items() if k in name), None)
    flops = 3 * forward_flops(cfg)
    history, window, t_train, t_log, n_log = [], [], None, time.time(), 0

    def draw():  # generator state before the batch, the batch, its LPIPS frames
        state = sampler.state_dict()
        return state, sampler.sample(args.batch), sampler.frame_subset(args.lpips_frames)

    def trained() -> float:
        return prior_seconds + (time.time() - t_train if t_train is not None else 0.0)

    pending_state, clips, frames = draw()
    model.train()
    stop = step + args.stop_after if args.stop_after else None
    while (not args.steps or step < args.steps) and time.time() < deadline and step != stop:
        lr = lr_at(schedule_progress(args, step, trained(), t_train, deadline, prior_seconds),
                   args.lr, args.warmup)
        for group in opt.param_groups:
            group["lr"] = lr
        try:
            recon, parts = forward_backward(step_fn, model, lpips, clips, frames, opt, args, device)
        except Exception as exc:  # out of memory: halve the batch; first step: fall back if compile fails
            opt.zero_grad(set_to_none=True)
            if isinstance(exc, torch.OutOfMemoryError) and args.batch > 1:
                args.batch //= 2
            elif mode in COMPILE_FALLBACK and t_train is None:
                mode = COMPILE_FALLBACK[mode]
                step_fn = compiled_step(model, mode)
            else:
                raise
            log({"event": "retry", "step": step, "error": f"{type(exc).__name__}: {exc}"[:300],
                 "batch": args.batch, "compile": mode})
            torch.cuda.empty_cache() if device.type == "cuda" else None
            pending_state, clips, frames = draw()
            continue
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        with torch.no_grad():
            rec = step_scalars(parts, recon, clips, gnorm)
        # queue the next batch before the one host sync of the step (the finiteness check)
        following = draw()
        finite = bool(torch.isfinite(rec["gnorm"]) & torch.isfinite(rec["loss"]))
        if finite:
            opt.step()
        pending_state, clips, frames = following
        step += 1
        rec.update(step=step, lr=lr, skipped=not finite)
        window.append(rec)
        n_log += args.batch
        if t_train is None:  # the first step includes compilation: time the rest from here
            t_train, t_log, n_log = time.time(), time.time(), 0
            log({"event": "first_step", "seconds_since_start": round(time.time() - START, 1)})
        if step % args.log_every == 0 or step == args.steps:
            recs = [as_floats(r) for r in window]
            history.extend(recs)
            log(summary(recs, step, lr, n_log, time.time() - t_log, flops, peak))
            window, t_log, n_log = [], time.time(), 0
        if args.ckpt and args.ckpt_every and step % args.ckpt_every == 0:
            save_checkpoint(args.ckpt, model, opt, pending_state, step, args, trained())
    history.extend(as_floats(r) for r in window)
    if t_train is not None and len(history) > 1:
        seconds = time.time() - t_train
        clips_s = (len(history) - 1) * args.batch / max(seconds, 1e-9)
        log({"event": "throughput", "steps_timed": len(history) - 1, "batch": args.batch,
             "seconds": round(seconds, 1), "clips_s": round(clips_s, 2),
             **({"mfu": round(clips_s * flops / peak, 4)} if peak else {})})
    if args.ckpt:
        save_checkpoint(args.ckpt, model, opt, pending_state, step, args, trained())
        log({"event": "checkpoint", "path": args.ckpt, "step": step, "trained_seconds": round(trained(), 1)})
    return history


def schedule_progress(args, step: int, trained: float, t_train, deadline: float, prior: float) -> float:
    """Where the schedule stands, 0..1: by steps with --steps; else by training time, over
    --schedule-minutes (summed over resumed parts) or, without it, over what was left of
    this process's --minutes when its first step ended (0 until then)."""
    by_steps = step / args.steps if args.steps else 0.0
    if args.schedule_minutes > 0:
        return max(by_steps, trained / (60 * args.schedule_minutes))
    if args.minutes > 0 and t_train is not None:
        return max(by_steps, (trained - prior) / max(1e-9, deadline - t_train))
    return by_steps


def step_scalars(parts: dict, recon: torch.Tensor, clips: torch.Tensor, gnorm: torch.Tensor) -> dict:
    """Detached float32 copies of the step's scalars. Copies, not views: F.mse_loss returns a
    0-dim view of its whole elementwise buffer, so keeping `.detach()` kept one batch-sized
    tensor alive per step (it ran the first H100 runs out of memory after 160-620 steps)."""
    rec = {k: v.detach().to(torch.float32, copy=True) for k, v in parts.items()}
    rec["psnr_mse"] = (recon.detach().float().clamp(-1, 1) - clips).pow(2).mean().clone()
    rec["gnorm"] = gnorm.detach().to(torch.float32, copy=True)
    return rec


def as_floats(rec: dict) -> dict:
    out = {k: (float(v) if torch.is_tensor(v) else v) for k, v in rec.items()}
    out["psnr"] = psnr_from_mse(out.pop("psnr_mse"))
    return out


def summary(recs: list, step: int, lr: float, clips: int, seconds: float, flops: float, peak) -> dict:
    """One log line: means of the loss parts and PSNR over the window, throughput, MFU."""
    mean_of = lambda k: sum(r[k] for r in recs) / len(recs)  # noqa: E731
    out = {"step": step, **{k: round(mean_of(k), 5) for k in ("loss", "mse", "lpips", "kl", "psnr", "gnorm")},
           "lr": float(f"{lr:.4g}"), "clips_s": round(clips / max(seconds, 1e-9), 2),
           "elapsed_s": round(time.time() - START, 1), "skipped": sum(r["skipped"] for r in recs)}
    if peak:
        out["mfu"] = round(clips / max(seconds, 1e-9) * flops / peak, 4)
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    cfg = CONFIGS[args.config]
    args.batch = args.batch or (64 if device.type == "cuda" else 4)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    log = Logger(args.log_file)
    clips = load_pack(args.pack, ("train", "still"), workers=args.workers or None)
    log({"event": "data", "clips": sum(c["split"] == "train" for c in clips),
         "stills": sum(c["split"] == "still" for c in clips),
         "frames": sum(len(c["frames"]) for c in clips), "seconds": round(time.time() - START, 1)})
    sampler = ClipSampler([c["frames"] for c in clips if c["split"] == "train"],
                          [c["frames"] for c in clips if c["split"] == "still"],
                          cfg.clip, device, args.seed, args.still_fraction)
    from .vitok.lpips import LPIPS  # noqa: PLC0415
    lpips = None
    if args.lpips_weight > 0:
        try:
            lpips = LPIPS().to(device)
        except (OSError, KeyError, RuntimeError) as exc:  # a one-shot run goes on without it
            log({"event": "warning", "lpips": f"unusable, training without LPIPS: {exc}"[:300]})
    model, failure = build_model(args), None
    try:
        history = train(args, model, sampler, lpips, log)
        if history:
            log({"event": "done", "steps": history[-1]["step"], "final_loss": history[-1]["loss"],
                 "seconds": round(time.time() - START, 1)})
    except (Exception, KeyboardInterrupt) as exc:  # keep what was trained: export it below
        failure = exc
        log({"event": "failed", "error": f"{type(exc).__name__}: {exc}"[:500]})
    if args.export:
        exporter.write_fp32(model, args.export, name=args.model_name,
                            extra={"training": json.dumps({"config": args.config, "batch": args.batch,
                                                           "minutes": args.minutes, "steps": args.steps})})
        log({"event": "exported", "path": args.export})
    if failure is not None:
        raise failure
    return 0


if __name__ == "__main__":
    sys.exit(main())
