"""The .vtk writer of docs/FORMAT.md in Python, written from the spec (not from the Swift code):
per-channel quantization as vtkc's encoder does it, the header and the records. The
independent side of the cross-implementation fixtures (scripts/fixtures/vtk.py) and of the
coder baseline (`scripts/vtk_reference.py baseline`). `header` dicts have the keys that
`container.Reader` produces.
"""
import struct
import zlib

import numpy as np

from vtkc_py.coder import code_symbols
from vtkc_py.container import AUDIO, END, GROUP, MAGIC, VERSION


def quantize(values, bits, channels):
    """Per-channel ranges (float32) and symbols, as the format's encoder does."""
    m = (1 << bits) - 1
    v = values.reshape(-1, channels).astype(np.float64)
    lo, hi = v.min(axis=0).astype(np.float32), v.max(axis=0).astype(np.float32)
    span = hi.astype(np.float64) - lo.astype(np.float64)
    scale = np.where(span > 0, m / np.where(span > 0, span, 1), 0.0)
    x = (v - lo.astype(np.float64)) * scale
    q = np.floor(x + 0.5)  # x >= 0: round half away from zero
    return lo, hi, np.clip(q, 0, m).astype(np.int64).reshape(-1)


def pstring(s):
    b = s.encode("utf-8")
    return struct.pack("<I", len(b)) + b


def record(rtype, payload):
    head = struct.pack("<IQ", rtype, len(payload)) + payload
    return head + struct.pack("<I", zlib.crc32(head))


def header_bytes(h):
    p = pstring(h["model_name"]) + h["model_sha256"] + pstring(h["config"])
    p += struct.pack("<IIQIIIII", h["width"], h["height"], h["frames"], *h["rate"], *h["aspect"], h["group_length"])
    t = h["tiling"]
    p += struct.pack("<BIIIIII", t["mode"], t["tile_w"], t["tile_h"], t["overlap_x"], t["overlap_y"], t["columns"], t["rows"])
    p += struct.pack("<II", h["tokens"], h["channels"])
    if h["bits"] == 0:
        p += bytes([0, 0, 0])
    elif h.get("stride", 0):
        p += bytes([1, h["bits"], 2]) + struct.pack("<I", h["stride"])
    else:
        p += bytes([1, h["bits"], 1])
    keys = sorted(h["metadata"], key=lambda k: k.encode("utf-8"))
    p += struct.pack("<I", len(keys)) + b"".join(pstring(k) + pstring(h["metadata"][k]) for k in keys)
    prefix = MAGIC + struct.pack("<HHI", VERSION, 0, len(p)) + p
    return prefix + struct.pack("<I", zlib.crc32(prefix))


def group_payload(h, index, values):
    out = struct.pack("<I", index)
    if h["bits"] == 0:
        return out + values.astype("<f2").tobytes()
    lo, hi, q = quantize(values, h["bits"], h["channels"])
    out += b"".join(struct.pack("<ff", a, b) for a, b in zip(lo, hi))
    intra = code_symbols(q, h["bits"], h["channels"])
    if not h.get("stride", 0):
        return out + intra
    temporal = code_symbols(q, h["bits"], h["channels"], h["tokens"], h["stride"])
    return out + (bytes([1]) + temporal if len(temporal) < len(intra) else bytes([0]) + intra)


def write_vtk(path, h, groups, audio=None):
    data = header_bytes(h)
    for i, g in enumerate(groups):
        data += record(GROUP, group_payload(h, i, g))
    if audio is not None:
        data += record(AUDIO, audio)
    data += record(END, struct.pack("<QI", len(groups), 0 if audio is None else 1))
    with open(path, "wb") as f:
        f.write(data)
