"""ViTok S-B/4x8 in PyTorch, exactly as docs/MODEL.md specifies.

Parameter names equal the safetensors keys the Swift engine reads. Clips are float tensors
(B, 3, T, H, W) with values in [-1, 1]; latents are (B, L, c).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import ViTokConfig


def rope_angles(cfg: ViTokConfig) -> torch.Tensor:
    """Rotation angle of each (token, pair): (L, 32), float64 for an exact reference."""
    gt, gh, gw = cfg.grid
    t, h, w = torch.meshgrid(torch.arange(gt), torch.arange(gh), torch.arange(gw), indexing="ij")
    positions = (t.flatten(), h.flatten(), w.flatten())
    cols = []
    for pos, n in zip(positions, cfg.rope_pairs):
        freq = cfg.rope_theta ** (-torch.arange(n, dtype=torch.float64) / n)
        cols.append(pos.double()[:, None] * freq[None, :])
    return torch.cat(cols, dim=1)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate interleaved channel pairs (2i, 2i+1) of x: (B, heads, L, 64)."""
    x0, x1 = x[..., 0::2], x[..., 1::2]
    out = torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1)
    return out.flatten(-2)


class Attention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width, bias=False)
        self.proj = nn.Linear(width, width)

    def forward(self, x, cos, sin):
        b, n, d = x.shape
        qkv = self.qkv(x).view(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = apply_rope(qkv[0], cos, sin), apply_rope(qkv[1], cos, sin), qkv[2]
        return self.proj(self.attend(q, k, v).transpose(1, 2).reshape(b, n, d))

    def attend(self, q, k, v):
        """softmax(q k^T / 8) v per head, each (B, heads, L, 64)."""
        return F.scaled_dot_product_attention(q.to(v.dtype), k.to(v.dtype), v)


class SwiGLU(nn.Module):
    def __init__(self, width: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(width, hidden)
        self.fc2 = nn.Linear(width, hidden)
        self.fc3 = nn.Linear(hidden, width)

    def forward(self, x):
        return self.fc3(F.silu(self.fc1(x)) * self.fc2(x))


class Block(nn.Module):
    def __init__(self, width: int, heads: int, hidden: int):
        super().__init__()
        self.norm1 = nn.LayerNorm(width, eps=1e-6)
        self.attn = Attention(width, heads)
        self.norm2 = nn.LayerNorm(width, eps=1e-6)
        self.mlp = SwiGLU(width, hidden)

    def forward(self, x, cos, sin):
        x = x + self.attn(self.norm1(x), cos, sin)
        return x + self.mlp(self.norm2(x))


class Tower(nn.Module):
    """Shared body of encoder and decoder: RoPE tables and the transformer blocks."""

    def __init__(self, cfg: ViTokConfig, width: int, depth: int, heads: int, hidden: int):
        super().__init__()
        self.blocks = nn.ModuleList(Block(width, heads, hidden) for _ in range(depth))
        self.norm = nn.LayerNorm(width, eps=1e-6)
        angles = rope_angles(cfg)
        self.register_buffer("rope_cos", angles.cos().float(), persistent=False)
        self.register_buffer("rope_sin", angles.sin().float(), persistent=False)

    def run_blocks(self, x):
        for block in self.blocks:
            x = block(x, self.rope_cos, self.rope_sin)
        return self.norm(x)


class Encoder(Tower):
    def __init__(self, cfg: ViTokConfig):
        super().__init__(cfg, cfg.encoder_width, cfg.encoder_depth, cfg.encoder_heads,
                         cfg.encoder_mlp_hidden)
        self.patch_embed = nn.Linear(cfg.patch_dim, cfg.encoder_width)
        self.to_latent = nn.Linear(cfg.encoder_width, 2 * cfg.latent_channels)

    def forward(self, tokens):
        h = self.to_latent(self.run_blocks(self.patch_embed(tokens)))
        mean, logvar = h.chunk(2, dim=-1)
        return mean, logvar.clamp(-30.0, 20.0)


class Decoder(Tower):
    def __init__(self, cfg: ViTokConfig):
        super().__init__(cfg, cfg.decoder_width, cfg.decoder_depth, cfg.decoder_heads,
                         cfg.decoder_mlp_hidden)
        self.from_latent = nn.Linear(cfg.latent_channels, cfg.decoder_width)
        self.to_pixels = nn.Linear(cfg.decoder_width, cfg.patch_dim)

    def forward(self, z):
        return self.to_pixels(self.run_blocks(self.from_latent(z)))


def patchify(clip: torch.Tensor, cfg: ViTokConfig) -> torch.Tensor:
    """(B, 3, T, H, W) -> (B, L, 3*q*p*p): time-major raster of tubelets, each in (c, dt, dy, dx)."""
    b = clip.shape[0]
    (q, p, p2), (gt, gh, gw) = cfg.tubelet, cfg.grid
    x = clip.reshape(b, 3, gt, q, gh, p, gw, p2).permute(0, 2, 4, 6, 1, 3, 5, 7)
    return x.reshape(b, gt * gh * gw, cfg.patch_dim)


def unpatchify(tokens: torch.Tensor, cfg: ViTokConfig) -> torch.Tensor:
    b = tokens.shape[0]
    (q, p, p2), (gt, gh, gw) = cfg.tubelet, cfg.grid
    x = tokens.reshape(b, gt, gh, gw, 3, q, p, p2).permute(0, 4, 1, 5, 2, 6, 3, 7)
    return x.reshape(b, 3, *cfg.clip)


class ViTok(nn.Module):
    def __init__(self, cfg: ViTokConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)

    def encode(self, clip):
        """Clip (B, 3, T, H, W) in [-1, 1] -> (latent mean, clamped logvar), each (B, L, c)."""
        return self.encoder(patchify(clip, self.cfg))

    def decode(self, z, clamp: bool = True):
        """Latents (B, L, c) -> clip (B, 3, T, H, W); clamped to [-1, 1] unless training."""
        x = unpatchify(self.decoder(z), self.cfg)
        return x.clamp(-1.0, 1.0) if clamp else x

    def forward(self, clip, sample: bool = True):
        mean, logvar = self.encode(clip)
        z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean) if sample else mean
        return self.decode(z, clamp=False), mean, logvar
