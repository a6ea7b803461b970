"""Torch SSIM/PSNR against scikit-image; batch sampler shapes and ranges."""

import numpy as np
import pytest
import torch

from training.data import ClipSampler
from training.metrics import psnr_frames, ssim_frames


def test_ssim_matches_skimage():
    metrics = pytest.importorskip("skimage.metrics")
    rng = np.random.default_rng(1)
    a = rng.integers(0, 256, (3, 40, 37, 3), dtype=np.uint8)
    b = np.clip(a.astype(int) + rng.integers(-40, 40, a.shape), 0, 255).astype(np.uint8)
    want = [metrics.structural_similarity(a[i], b[i], gaussian_weights=True, sigma=1.5,
                                          use_sample_covariance=False, data_range=255, channel_axis=-1)
            for i in range(3)]
    got = ssim_frames(torch.from_numpy(a), torch.from_numpy(b))
    assert np.allclose(got.numpy(), want, rtol=0, atol=1e-12)
    assert float(ssim_frames(torch.from_numpy(a), torch.from_numpy(a)).min()) == pytest.approx(1.0)


def test_psnr_known_value():
    a = torch.zeros(1, 4, 4, 3, dtype=torch.uint8)
    b = torch.full((1, 4, 4, 3), 5, dtype=torch.uint8)
    psnr, mse = psnr_frames(a, b)
    assert float(mse) == 25.0 and float(psnr) == pytest.approx(10 * np.log10(255 ** 2 / 25))


def test_sampler_batches(clips):
    still = [clips[0][:1]]
    sampler = ClipSampler(clips, still, (16, 32, 32), torch.device("cpu"), seed=0, still_fraction=0.5)
    batch = sampler.sample(6)
    assert batch.shape == (6, 3, 16, 32, 32) and batch.min() >= -1 and batch.max() <= 1
    state = sampler.state_dict()
    again = sampler.sample(3)
    sampler.load_state_dict(state)
    assert torch.equal(sampler.sample(3), again)
