"""Torch SSIM/PSNR against scikit-image; pack round trip; batch sampler shapes and ranges."""
import io

import numpy as np
import pytest
import torch
from PIL import Image

from training.data import ClipSampler, load_pack, read_index
from training.metrics import psnr_frames, ssim_frames
from training.pack_data import write_pack


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


def test_pack_roundtrip(tmp_path, clips):
    blobs, entries, offset = [], [], 0
    for n, clip in enumerate(clips[:2]):
        frames = []
        for img in clip:
            buf = io.BytesIO()
            Image.fromarray(img).save(buf, format="JPEG", quality=95)
            frames.append([offset, len(buf.getvalue())])
            blobs.append(buf.getvalue())
            offset += len(buf.getvalue())
        entries.append({"name": f"c{n}", "split": "train" if n == 0 else "val", "width": 48,
                        "height": 48, "fps": 25.0, "frames": frames})
    path = str(tmp_path / "p.bin")
    write_pack(path, entries, blobs, {})
    index, _ = read_index(path)
    assert [c["name"] for c in index["clips"]] == ["c0", "c1"]
    got = load_pack(path, ("train",), workers=1)
    assert len(got) == 1 and got[0]["frames"].shape == clips[0].shape
    assert np.abs(got[0]["frames"].astype(int) - clips[0]).mean() < 3  # JPEG q95
    (tmp_path / "bad.bin").write_bytes(b"not a pack at all")
    with pytest.raises(ValueError, match="bad magic"):
        read_index(str(tmp_path / "bad.bin"))


def test_sampler_batches(clips):
    still = [clips[0][:1]]
    sampler = ClipSampler(clips, still, (16, 32, 32), torch.device("cpu"), seed=0, still_fraction=0.5)
    batch = sampler.sample(6)
    assert batch.shape == (6, 3, 16, 32, 32) and batch.min() >= -1 and batch.max() <= 1
    state = sampler.state_dict()
    again = sampler.sample(3)
    sampler.load_state_dict(state)
    assert torch.equal(sampler.sample(3), again)
