"""The training pack: every clip of a dataset as one small H.264 stream, in one file.

Layout (little-endian): magic b"VTKPACK2", uint64 n = length of a UTF-8 JSON index, the index,
then the members back to back. The index is {"version": 2, "params": {...}, "clips": [entry]}
with entry = {"name", "split" ("train" | "val" | "still"), "width", "height", "fps",
"frames" (count), "codec" ("h264" | "jpeg"), "offset", "length", "sha256"}; offsets count from
the first byte after the index. An "h264" member is an MP4 file holding the clip (libx264,
yuv444p, constant quality); a "jpeg" member is one image (the stills).

Writing needs PyAV (the build machine). Reading uses OpenCV's bundled FFmpeg when cv2 imports
(the GPU machine has it and no PyAV), else PyAV; both decode H.264 bit-exactly and convert
BT.601 YUV to RGB with swscale, so a pack reads the same frames on either (tested).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import tempfile

import numpy as np
from PIL import Image

MAGIC = b"VTKPACK2"
VERSION = 2


class PackError(ValueError):
    """A file that is not a readable version-2 pack, or a member that fails its checks."""


def encode_h264(frames: np.ndarray, fps: float, crf: int, preset: str = "medium") -> bytes:
    """MP4 bytes of uint8 RGB frames (T, H, W, 3), H.264 yuv444p at constant quality `crf`."""
    import av  # noqa: PLC0415 - only the pack builder encodes
    from fractions import Fraction  # noqa: PLC0415
    if frames.ndim != 4 or frames.shape[-1] != 3 or len(frames) == 0:
        raise PackError(f"encode_h264 wants (T, H, W, 3) frames, got {frames.shape}")
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001) if fps > 0 else 25)
        stream.width, stream.height = frames.shape[2], frames.shape[1]
        stream.pix_fmt = "yuv444p"
        stream.options = {"crf": str(crf), "preset": preset}
        for f in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(f), format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


def encode_jpeg(image: np.ndarray, quality: int) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="JPEG", quality=quality, subsampling=0 if quality >= 95 else 2)
    return buf.getvalue()


def decoder_name() -> str:
    """"opencv" or "pyav": the H.264 decoder this process uses."""
    try:
        import cv2  # noqa: F401, PLC0415
        return "opencv"
    except ImportError:
        return "pyav"


def _decode_h264_opencv(data: bytes) -> np.ndarray:
    import cv2  # noqa: PLC0415
    fd, path = tempfile.mkstemp(suffix=".mp4")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        cap = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
        frames = []
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            frames.append(bgr[:, :, ::-1])
        cap.release()
    finally:
        os.unlink(path)
    return np.stack(frames) if frames else np.zeros((0, 0, 0, 3), np.uint8)


def _decode_h264_pyav(data: bytes) -> np.ndarray:
    import av  # noqa: PLC0415
    with av.open(io.BytesIO(data)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return np.stack(frames) if frames else np.zeros((0, 0, 0, 3), np.uint8)


def decode_member(entry: dict, data: bytes, decoder: str | None = None) -> np.ndarray:
    """uint8 (T, H, W, 3) frames of one member; checks its hash, frame count and size."""
    name = entry["name"]
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise PackError(f"{name}: member bytes do not match their SHA-256 (damaged pack)")
    if entry["codec"] == "jpeg":
        frames = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))[None]
    elif entry["codec"] == "h264":
        decoder = decoder or decoder_name()
        frames = _decode_h264_opencv(data) if decoder == "opencv" else _decode_h264_pyav(data)
    else:
        raise PackError(f"{name}: unknown member codec {entry['codec']!r}")
    want = (entry["frames"], entry["height"], entry["width"], 3)
    if frames.shape != want:
        raise PackError(f"{name}: decoded {frames.shape}, the index says {want}")
    return frames


def write_pack(path: str, entries: list[dict], members: list[bytes], params: dict) -> None:
    """Write the index and members (entries get offset/length/sha256), atomically by rename."""
    offset = 0
    for entry, data in zip(entries, members, strict=True):
        entry.update(offset=offset, length=len(data), sha256=hashlib.sha256(data).hexdigest())
        offset += len(data)
    index = json.dumps({"version": VERSION, "params": params, "clips": entries}).encode()
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + struct.pack("<Q", len(index)) + index)
            for data in members:
                f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_index(path: str) -> tuple[dict, int]:
    """(index, byte offset of the first member) of a pack; PackError for anything else."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(16)
        if len(head) < 16 or head[:8] != MAGIC:
            old = " (a version-1 JPEG pack: rebuild it with python -m training.pack_data)" \
                if head[:8] == b"VTKPACK1" else ""
            raise PackError(f"{path}: not a vtkc training pack (bad magic){old}")
        (n,) = struct.unpack("<Q", head[8:])
        if n > size - 16:
            raise PackError(f"{path}: truncated (index of {n} bytes in a {size}-byte file)")
        try:
            index = json.loads(f.read(n))
        except ValueError as exc:
            raise PackError(f"{path}: unreadable index ({exc})") from None
    if index.get("version") != VERSION:
        raise PackError(f"{path}: pack version {index.get('version')!r}, this reader knows {VERSION}")
    end = max((c["offset"] + c["length"] for c in index["clips"]), default=0)
    if 16 + n + end > size:
        raise PackError(f"{path}: truncated ({size} bytes, the index needs {16 + n + end})")
    return index, 16 + n


def read_members(path: str, entries: list[dict], base: int) -> list[bytes]:
    with open(path, "rb") as f:
        out = []
        for entry in entries:
            f.seek(base + entry["offset"])
            out.append(f.read(entry["length"]))
    return out
