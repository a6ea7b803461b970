"""The PyTorch model of the engine's bf16 attention (training/vitok/int8.py); the Swift engine is
checked against it in Tests/ViTokTests/BF16AttentionTests.swift."""
import copy

import torch

from training.vitok.config import TINY
from training.vitok.int8 import bf16, to_int8
from training.vitok.model import ViTok


def test_bf16_rounds_to_nearest_even():
    ulp = 2.0 ** -7
    values = torch.tensor([1 + ulp / 2, 1 + 3 * ulp / 2, 1 + ulp / 2 + 1e-6])
    assert bf16(values).tolist() == [1.0, 1 + 2 * ulp, 1 + ulp]


def test_bf16_attention_stays_near_float32_attention():
    torch.manual_seed(0)
    model = ViTok(TINY).eval()
    clip = torch.rand(1, 3, *TINY.clip) * 2 - 1
    with torch.no_grad():
        f32, _ = to_int8(copy.deepcopy(model)).encode(clip)
        b16, _ = to_int8(copy.deepcopy(model), attention="bf16").encode(clip)
    difference = (f32 - b16).abs().max().item()
    assert 0 < difference < 0.1 * f32.abs().max().item()
