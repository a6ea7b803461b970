"""fp32 and int8 exports load back (fp32 exactly, int8 within the quantization step)."""
import json

import torch
from safetensors import safe_open

from training.export import load_model, load_state, quantize_rows, write_fp32, write_int8
from training.vitok.config import TINY
from training.vitok.model import ViTok


def test_fp32_roundtrip_exact(tmp_path):
    torch.manual_seed(1)
    model = ViTok(TINY)
    path = str(tmp_path / "m.safetensors")
    write_fp32(model, path, name="tiny-test")
    back = load_model(path)
    for (k, a), (k2, b) in zip(model.state_dict().items(), back.state_dict().items()):
        assert k == k2 and torch.equal(a, b), k
    with safe_open(path, framework="pt") as f:
        meta = f.metadata()
    assert meta["model_name"] == "tiny-test" and json.loads(meta["vitok_config"])["clip"] == [16, 32, 32]


def test_int8_within_quantization_error(tmp_path):
    torch.manual_seed(2)
    model = ViTok(TINY)
    names = write_int8(model, str(tmp_path / "int8"), shard_limit=2**18)
    assert len(names) > 1  # a small shard limit forces several shards, merged on load
    _, state, meta = load_state(str(tmp_path / "int8"))
    assert meta["format"] == "vitok-int8"
    ref = model.state_dict()
    for key, value in ref.items():
        if key.endswith(".weight") and value.ndim == 2 and "latent" not in key:
            step = value.abs().amax(dim=1, keepdim=True) / 127
            assert ((state[key] - value).abs() <= step / 2 + 1e-7).all(), key
        else:
            assert torch.equal(state[key], value), key
    clip = torch.rand(1, 3, 16, 32, 32) * 2 - 1
    with torch.no_grad():
        a = model.decode(model.encode(clip)[0])
        b = load_model(str(tmp_path / "int8")).decode(load_model(str(tmp_path / "int8")).encode(clip)[0])
    assert (a - b).abs().max() < 0.05


def test_quantize_rows_zero_row():
    q, scale = quantize_rows(torch.tensor([[0.0, 0.0], [1.0, -0.5]]))
    assert q.dtype == torch.int8 and q[0].abs().sum() == 0 and q[1].tolist() == [127, -64]
    assert torch.allclose(scale, torch.tensor([1.0, 1.0 / 127]))


def test_int8_linear_integer_product_is_exact():
    # the chunked float32 product equals the float64 one bit for bit, at the widest (2048) input
    from training.vitok.int8 import Int8Linear, quantize_rows
    torch.manual_seed(0)
    layer = torch.nn.Linear(2048, 96)
    x = torch.randn(64, 2048) * 3
    y = Int8Linear(layer)(x)
    codes, scale, zero = quantize_rows(x)
    lin = Int8Linear(layer)
    acc = codes.double() @ lin.q.double().T - zero.double() * lin.row_sums
    assert torch.equal(y, acc.float() * (scale * lin.scale) + lin.bias)
