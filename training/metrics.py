"""PSNR and SSIM on 8-bit RGB frames in PyTorch (as `vtkc score`, man/vtkc.1), batched, any device.

SSIM equals scikit-image `structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
use_sample_covariance=False, data_range=255, channel_axis=-1)`: an 11-tap Gaussian window
(sigma 1.5, truncate 3.5), K1 0.01, K2 0.03, the SSIM map cropped by 5 pixels on every side
(skimage's crop; the valid convolution gives exactly that region), averaged per channel and
then over channels. Computed in float64.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def psnr_frames(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-frame PSNR (dB, peak 255) and per-frame MSE of uint8 frames (N, H, W, 3)."""
    mse = (a.double() - b.double()).pow(2).flatten(1).mean(dim=1)
    return 10.0 * torch.log10(255.0 ** 2 / mse.clamp_min(1e-10)), mse


def _gaussian(sigma: float = 1.5, truncate: float = 3.5) -> torch.Tensor:
    radius = int(truncate * sigma + 0.5)
    x = torch.arange(-radius, radius + 1, dtype=torch.float64)
    k = torch.exp(-0.5 * (x / sigma) ** 2)
    return k / k.sum()


def ssim_frames(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-frame SSIM of uint8 frames (N, H, W, 3); frames must be at least 11x11."""
    x = a.permute(0, 3, 1, 2).double().flatten(0, 1)[:, None]  # (N*3, 1, H, W)
    y = b.permute(0, 3, 1, 2).double().flatten(0, 1)[:, None]
    g = _gaussian().to(x.device)
    kh, kw = g.view(1, 1, -1, 1), g.view(1, 1, 1, -1)
    blur = lambda t: F.conv2d(F.conv2d(t, kh), kw)  # noqa: E731  valid = skimage's cropped map
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return s.flatten(1).mean(dim=1).view(a.shape[0], 3).mean(dim=1)


def pooled_psnr(mse_values: torch.Tensor) -> float:
    """PSNR of the mean MSE over all frames."""
    return 10.0 * math.log10(255.0 ** 2 / max(float(mse_values.mean()), 1e-10))
