"""The H.264 training pack: round trip within a stated PSNR, both decoders agree, damage is refused."""
import io
import os

import numpy as np
import pytest
from PIL import Image

from training.data import load_pack
from training.pack_data import decode_frames, resize_short
from training.pack_format import (PackError, decode_member, encode_h264, encode_jpeg, read_index,
                                  write_pack)

from conftest import REPO

SAMPLE = os.path.join(REPO, "samples", "tree.mp4")


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = ((a.astype(np.float64) - b.astype(np.float64)) ** 2).mean()
    return 10 * np.log10(255.0 ** 2 / mse)


def real_frames(n: int = 48) -> np.ndarray:
    """n frames of the committed sample clip at the pack's train geometry (short side 160)."""
    pytest.importorskip("av", reason="PyAV builds packs")
    frames = [np.asarray(resize_short(f, 160, 288)) for _, f in zip(range(n), decode_frames(SAMPLE))]
    return np.stack(frames)


def make_pack(path: str, clip: np.ndarray, still: np.ndarray) -> None:
    entries = [{"name": "clip", "split": "train", "width": clip.shape[2], "height": clip.shape[1],
                "fps": 25.0, "frames": len(clip), "codec": "h264"},
               {"name": "still", "split": "still", "width": still.shape[1], "height": still.shape[0],
                "fps": 0.0, "frames": 1, "codec": "jpeg"}]
    write_pack(path, entries, [encode_h264(clip, 25.0, 16), encode_jpeg(still, 90)], {"crf": 16})


def test_real_footage_round_trip_beats_the_jpeg_pack(tmp_path):
    clip = real_frames()
    assert clip.shape[1] == 160 and clip.shape[2] % 2 == 0
    path = str(tmp_path / "p.vtp")
    make_pack(path, clip, clip[0])
    got = {c["name"]: c["frames"] for c in load_pack(path, ("train", "still"), workers=1)}
    assert got["clip"].shape == clip.shape and got["still"].shape == (1, *clip.shape[1:])
    # samples/tree.mp4 (leaves, much texture) at crf 16: 36.0 dB at 4.0 KiB per frame; the old
    # pack's JPEG q85: 33.7 dB at 11.0 KiB per frame
    h264_db, h264_bytes = psnr(got["clip"], clip), os.path.getsize(path)
    jpegs = [encode_jpeg(f, 85) for f in clip]
    jpeg_db = psnr(np.stack([np.asarray(Image.open(io.BytesIO(b))) for b in jpegs]), clip)
    assert h264_db > 35.0 and h264_db > jpeg_db + 1.5, (h264_db, jpeg_db)
    assert h264_bytes < 0.5 * sum(map(len, jpegs)), h264_bytes
    assert psnr(got["still"], clip[:1]) > 30.0


def test_opencv_and_pyav_decode_the_same_frames(tmp_path):
    pytest.importorskip("cv2", reason="OpenCV (the GPU machine's decoder) is not installed")
    clip = real_frames(20)
    path = str(tmp_path / "p.vtp")
    make_pack(path, clip, clip[0])
    index, base = read_index(path)
    entry = index["clips"][0]
    with open(path, "rb") as f:
        f.seek(base + entry["offset"])
        data = f.read(entry["length"])
    a, b = decode_member(entry, data, "opencv"), decode_member(entry, data, "pyav")
    assert a.shape == b.shape == clip.shape
    assert np.abs(a.astype(int) - b).max() <= 1  # same bitstream; swscale rounding at most 1


def test_damaged_packs_are_refused(tmp_path):
    rng = np.random.default_rng(0)
    clip = rng.integers(0, 255, (16, 32, 48, 3), dtype=np.uint8)
    path = tmp_path / "p.vtp"
    make_pack(str(path), clip, clip[0])
    raw = path.read_bytes()
    (tmp_path / "bad.vtp").write_bytes(b"not a pack at all")
    with pytest.raises(PackError, match="bad magic"):
        read_index(str(tmp_path / "bad.vtp"))
    (tmp_path / "v1.vtp").write_bytes(b"VTKPACK1" + raw[8:])
    with pytest.raises(PackError, match="version-1"):
        read_index(str(tmp_path / "v1.vtp"))
    (tmp_path / "short.vtp").write_bytes(raw[:-10])
    with pytest.raises(PackError, match="truncated"):
        read_index(str(tmp_path / "short.vtp"))
    flipped = bytearray(raw)
    flipped[-40] ^= 0xFF  # inside the JPEG still
    (tmp_path / "flip.vtp").write_bytes(bytes(flipped))
    with pytest.raises(PackError, match="SHA-256"):
        load_pack(str(tmp_path / "flip.vtp"), ("still",), workers=1)
