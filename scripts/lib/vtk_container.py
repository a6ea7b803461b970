"""The .vtk container of docs/FORMAT.md in Python, written from the spec (not from the Swift
code): per-channel quantization, the header and record writer, and a reader that CRC-checks
every record and decodes the latent groups. The independent side of the cross-implementation
fixtures (scripts/fixtures/vtk.py) and the reader behind `scripts/vtk_reference.py`.
"""
import struct
import zlib

import numpy as np

from scripts.lib.vtk_coder import code_symbols, decode_symbols

MAGIC = bytes([0x89, 0x56, 0x54, 0x4B, 0x0D, 0x0A, 0x1A, 0x0A])
GROUP, AUDIO, END = 1, 2, 3


# ---------------------------------------------------------------- quantization
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


def dequantize(symbols, lo, hi, bits, channels):
    m = float((1 << bits) - 1)
    q = symbols.reshape(-1, channels).astype(np.float64)
    step = (hi.astype(np.float64) - lo.astype(np.float64)) / m
    return (lo.astype(np.float64) + q * step).astype(np.float32).reshape(-1)


# ---------------------------------------------------------------- container
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
    prefix = MAGIC + struct.pack("<HHI", 1, 0, len(p)) + p
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


class Reader:
    def __init__(self, data):
        self.data = data
        if data[:8] != MAGIC:
            raise ValueError("bad magic")
        version, reserved, hlen = struct.unpack_from("<HHI", data, 8)
        if version != 1 or reserved != 0:
            raise ValueError(f"unsupported version {version}")
        if zlib.crc32(data[: 16 + hlen]) != struct.unpack_from("<I", data, 16 + hlen)[0]:
            raise ValueError("header CRC mismatch")
        self.pos = 16
        h = {"model_name": self.string(), "model_sha256": self.take(32), "config": self.string()}
        w, ht, fr, rn, rd, an, ad, gl = self.unpack("<IIQIIIII")
        h.update(width=w, height=ht, frames=fr, rate=(rn, rd), aspect=(an, ad), group_length=gl)
        mode, tw, th, ox, oy, cols, rows = self.unpack("<BIIIIII")
        h["tiling"] = dict(mode=mode, tile_w=tw, tile_h=th, overlap_x=ox, overlap_y=oy, columns=cols, rows=rows)
        h["tokens"], h["channels"] = self.unpack("<II")
        kind, bits, scheme = self.unpack("<BBB")
        h["bits"] = bits if kind == 1 else 0
        h["stride"] = self.unpack("<I")[0] if (kind, scheme) == (1, 2) else 0
        (n,) = self.unpack("<I")
        h["metadata"] = {self.string(): self.string() for _ in range(n)}
        assert self.pos == 16 + hlen, "header payload length mismatch"
        self.header, self.records = h, []
        pos = 20 + hlen
        while True:
            rtype, length = struct.unpack_from("<IQ", data, pos)
            end = pos + 12 + length
            if zlib.crc32(data[pos:end]) != struct.unpack_from("<I", data, end)[0]:
                raise ValueError(f"record at byte {pos}: CRC mismatch")
            self.records.append((rtype, pos, data[pos + 12:end]))
            pos = end + 4
            if rtype == END:
                break
        assert pos == len(data), "bytes after the end record"

    def take(self, n):
        self.pos += n
        return self.data[self.pos - n:self.pos]

    def unpack(self, fmt):
        v = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return v

    def string(self):
        (n,) = self.unpack("<I")
        return self.take(n).decode("utf-8")

    def values_per_group(self):
        h = self.header
        return h["tiling"]["columns"] * h["tiling"]["rows"] * h["tokens"] * h["channels"]

    def groups(self):
        h, n = self.header, self.values_per_group()
        for rtype, pos, payload in self.records:
            if rtype != GROUP:
                continue
            if h["bits"] == 0:
                yield np.frombuffer(payload[4:], dtype="<f2").astype(np.float32)
                continue
            c = h["channels"]
            lohi = np.frombuffer(payload[4:4 + 8 * c], dtype="<f4").reshape(c, 2)
            coded = payload[4 + 8 * c:]
            stride = 0
            if h["stride"]:
                mode, coded = coded[0], coded[1:]
                if mode not in (0, 1):
                    raise ValueError(f"record at byte {pos}: prediction mode {mode}")
                stride = h["stride"] if mode == 1 else 0
            q = decode_symbols(coded, n, h["bits"], c, h["tokens"], stride)
            yield dequantize(q, lohi[:, 0], lohi[:, 1], h["bits"], c)

