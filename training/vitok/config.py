"""The `vitok_config` record of docs/MODEL.md: the one source of truth for model shape."""
from __future__ import annotations

import dataclasses
import json

CONFIG_KEYS = (
    "encoder_width", "encoder_depth", "encoder_heads", "encoder_mlp_hidden",
    "decoder_width", "decoder_depth", "decoder_heads", "decoder_mlp_hidden",
    "latent_channels", "tubelet", "clip", "rope_theta", "rope_pairs",
)


@dataclasses.dataclass(frozen=True)
class ViTokConfig:
    encoder_width: int = 768
    encoder_depth: int = 6
    encoder_heads: int = 12
    encoder_mlp_hidden: int = 2048
    decoder_width: int = 768
    decoder_depth: int = 12
    decoder_heads: int = 12
    decoder_mlp_hidden: int = 2048
    latent_channels: int = 16
    tubelet: tuple = (4, 8, 8)
    clip: tuple = (16, 128, 128)
    rope_theta: float = 10000.0
    rope_pairs: tuple = (8, 12, 12)

    def __post_init__(self):
        for side in ("encoder", "decoder"):
            width, heads = getattr(self, f"{side}_width"), getattr(self, f"{side}_heads")
            if width != 64 * heads:
                raise ValueError(f"{side}: width {width} must be 64 x heads ({heads})")
        if sum(self.rope_pairs) != 32:
            raise ValueError("rope_pairs must sum to 32 (head dim 64)")
        for c, q in zip(self.clip, self.tubelet):
            if c % q:
                raise ValueError(f"clip {self.clip} is not a multiple of tubelet {self.tubelet}")

    @property
    def grid(self) -> tuple:
        """Token grid (t, h, w)."""
        return tuple(c // q for c, q in zip(self.clip, self.tubelet))

    @property
    def tokens(self) -> int:
        t, h, w = self.grid
        return t * h * w

    @property
    def patch_dim(self) -> int:
        q, p, p2 = self.tubelet
        return 3 * q * p * p2

    def to_json(self) -> str:
        d = dataclasses.asdict(self)
        d["tubelet"], d["clip"], d["rope_pairs"] = (
            list(self.tubelet), list(self.clip), list(self.rope_pairs))
        return json.dumps({k: d[k] for k in CONFIG_KEYS})

    @classmethod
    def from_json(cls, text: str) -> "ViTokConfig":
        raw = json.loads(text)
        missing = [k for k in CONFIG_KEYS if k not in raw]
        if missing:
            raise ValueError(f"vitok_config lacks {', '.join(missing)}")
        kw = {k: raw[k] for k in CONFIG_KEYS}
        for k in ("tubelet", "clip", "rope_pairs"):
            kw[k] = tuple(int(v) for v in kw[k])
        kw["rope_theta"] = float(kw["rope_theta"])
        return cls(**kw)


SB4x8 = ViTokConfig()
SB8x8 = dataclasses.replace(SB4x8, tubelet=(8, 8, 8))
SB4x16 = dataclasses.replace(SB4x8, tubelet=(4, 16, 16))
TINY = ViTokConfig(encoder_width=128, encoder_depth=2, encoder_heads=2, encoder_mlp_hidden=256,
                   decoder_width=128, decoder_depth=2, decoder_heads=2, decoder_mlp_hidden=256,
                   latent_channels=16, tubelet=(4, 8, 8), clip=(16, 32, 32))
