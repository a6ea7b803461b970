"""Stage-1 loss of the paper, learning-rate schedule and the analytic FLOP count for MFU."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .vitok.config import ViTokConfig


def kl_per_element(mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mean, exp(logvar)) || N(0, 1)), averaged over every latent element."""
    return 0.5 * (mean.float().pow(2) + logvar.float().exp() - 1.0 - logvar.float()).mean()


def stage1_loss(recon: torch.Tensor, target: torch.Tensor, mean: torch.Tensor, logvar: torch.Tensor,
                lpips, lpips_weight: float = 1.0, kl_weight: float = 1e-3,
                lpips_frames: torch.Tensor | None = None) -> dict:
    """MSE + lpips_weight * LPIPS + kl_weight * KL on the unclamped reconstruction.

    recon, target: (B, 3, T, H, W) in [-1, 1]. LPIPS is the mean over every frame, or over the
    frames at the indices `lpips_frames` (the same for the whole batch; drawn at random each
    step, that mean is an unbiased estimate of the all-frame one at a fraction of the cost).
    Returns the parts and "loss" (float32 scalars).
    """
    mse = F.mse_loss(recon.float(), target.float())
    kl = kl_per_element(mean, logvar)
    if lpips is not None and lpips_weight > 0:
        if lpips_frames is not None:
            recon, target = recon.index_select(2, lpips_frames), target.index_select(2, lpips_frames)
        frames = lambda x: x.transpose(1, 2).flatten(0, 1)  # noqa: E731  (B*T, 3, H, W)
        perceptual = lpips(frames(recon), frames(target)).mean()
    else:
        perceptual = torch.zeros((), device=recon.device)
    loss = mse + lpips_weight * perceptual + kl_weight * kl
    return {"loss": loss, "mse": mse, "lpips": perceptual, "kl": kl}


def psnr_from_mse(mse_unit: float) -> float:
    """PSNR (dB, peak 255) from an MSE measured on [-1, 1] values (range 2)."""
    return 10.0 * math.log10(4.0 / max(mse_unit, 1e-12))


def lr_at(progress: float, base_lr: float, warmup: float, min_ratio: float = 0.05) -> float:
    """Linear warmup over the first `warmup` fraction of training, then cosine to min_ratio * lr."""
    progress = min(max(progress, 0.0), 1.0)
    if progress < warmup:
        return base_lr * progress / warmup
    t = (progress - warmup) / max(1e-9, 1.0 - warmup)
    return base_lr * (min_ratio + (1.0 - min_ratio) * 0.5 * (1.0 + math.cos(math.pi * t)))


def forward_flops(cfg: ViTokConfig) -> float:
    """Matmul FLOPs (2 x multiply-adds) of one clip through encoder and decoder (no LPIPS).

    Per block and token: qkv 3d^2, proj d^2, SwiGLU 3dh, attention scores and values 2Ld.
    S-B/4x8: 160.8 G multiply-adds, 321.6 GFLOP.
    """
    tokens, patch, c = cfg.tokens, cfg.patch_dim, cfg.latent_channels

    def tower(d, depth, hidden):
        return depth * tokens * (4 * d * d + 3 * d * hidden + 2 * tokens * d)

    macs = (tower(cfg.encoder_width, cfg.encoder_depth, cfg.encoder_mlp_hidden)
            + tower(cfg.decoder_width, cfg.decoder_depth, cfg.decoder_mlp_hidden)
            + tokens * (patch * cfg.encoder_width + cfg.encoder_width * 2 * c
                        + c * cfg.decoder_width + cfg.decoder_width * patch))
    return 2.0 * macs
