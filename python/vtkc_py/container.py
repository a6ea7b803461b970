"""The .vtk container of docs/FORMAT.md in Python, written from the spec (not from the Swift
code): a reader that checks the prefix, the header (ranges and CRC) and the record framing
(lengths, CRCs, order, end-record counts) before use, and decodes latent groups bit-exactly
as the format prescribes. Every failure is a `VTKError` (a `ValueError`) with a one-line
message naming the file, the byte offset and the cause. The writer is in `writer.py`.
"""
import struct
import zlib

import numpy as np

from vtkc_py.coder import decode_symbols

MAGIC = bytes([0x89, 0x56, 0x54, 0x4B, 0x0D, 0x0A, 0x1A, 0x0A])
VERSION = 1
GROUP, AUDIO, END = 1, 2, 3
MAX_HEADER = 16 << 20
MAX_VALUES_PER_GROUP = 1 << 27
MAX_FRAME_SIDE = 16384  # VTKHeader.frameSideRange: the largest frame vtkc writes back


class VTKError(ValueError):
    """A .vtk file that is not well formed: the message names the file, offset and cause."""


def dequantize(symbols, lo, hi, bits, channels):
    """The format's normative dequantization: f32(f64(lo) + f64(q) * ((f64(hi) - f64(lo)) / M))."""
    m = float((1 << bits) - 1)
    q = symbols.reshape(-1, channels).astype(np.float64)
    step = (hi.astype(np.float64) - lo.astype(np.float64)) / m
    return (lo.astype(np.float64) + q * step).astype(np.float32).reshape(-1)


class Reader:
    """Parses and checks a whole .vtk file held in memory (`data`: bytes).

    `header` is a dict (model_name, model_sha256, config, width, height, frames, rate,
    aspect, group_length, tiling, tokens, channels, bits (0 = float16), stride, metadata);
    `records` lists (type, offset, payload) for every record, the end record last.
    """

    def __init__(self, data, name="<bytes>"):
        self.data, self.name = data, name
        if len(data) < 16:
            self.fail(0, f"file is {len(data)} bytes, shorter than the 16-byte prefix: truncated")
        if data[:8] != MAGIC:
            self.fail(0, "not a .vtk file (bad magic)")
        version, reserved, hlen = struct.unpack_from("<HHI", data, 8)
        if version != VERSION:
            self.fail(8, f"format version {version} is not supported (this reader reads version 1)")
        if reserved != 0 or hlen > MAX_HEADER:
            self.fail(10, f"reserved field {reserved} / header length {hlen} out of range")
        if len(data) < 20 + hlen:
            self.fail(16, f"header of {hlen} bytes does not fit in the file: truncated")
        stored, computed = struct.unpack_from("<I", data, 16 + hlen)[0], zlib.crc32(data[:16 + hlen])
        if stored != computed:
            self.fail(16 + hlen, f"header CRC mismatch (stored 0x{stored:08x}, computed 0x{computed:08x})")
        self.pos, self.end = 16, 16 + hlen
        self.header = self.parse_header()
        if self.pos != self.end:
            self.fail(self.pos, f"header payload has {self.end - self.pos} bytes after its last field")
        self.records = self.parse_records(20 + hlen)

    def fail(self, offset, cause):
        raise VTKError(f"{self.name}: at byte {offset}: {cause}")

    # ------------------------------------------------------------ header payload
    def take(self, n):
        if n > self.end - self.pos:
            self.fail(self.pos, f"header field of {n} bytes runs past the header payload")
        self.pos += n
        return self.data[self.pos - n:self.pos]

    def unpack(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))

    def string(self, limit):
        at = self.pos
        (n,) = self.unpack("<I")
        if n > limit:
            self.fail(at, f"string of {n} bytes exceeds the limit of {limit}")
        try:
            return self.take(n).decode("utf-8")
        except UnicodeDecodeError:
            self.fail(at, "string is not valid UTF-8")

    def check(self, at, ok, what):
        if not ok:
            self.fail(at, f"{what} out of range")

    def parse_header(self):
        h = {"model_name": self.string(4096), "model_sha256": self.take(32), "config": self.string(1 << 20)}
        at = self.pos
        w, ht, fr, rn, rd, an, ad, gl = self.unpack("<IIQIIIII")
        self.check(at, 1 <= w <= MAX_FRAME_SIDE and 1 <= ht <= MAX_FRAME_SIDE, f"frame size {w}x{ht}")
        self.check(at, 1 <= fr <= 1 << 40, f"frame count {fr}")
        self.check(at, min(rn, rd, an, ad) >= 1, f"frame rate {rn}/{rd} or pixel aspect {an}/{ad}")
        self.check(at, 1 <= gl <= 4096, f"group length {gl}")
        h.update(width=w, height=ht, frames=fr, rate=(rn, rd), aspect=(an, ad), group_length=gl)
        at = self.pos
        mode, tw, th, ox, oy, cols, rows = self.unpack("<BIIIIII")
        self.check(at, 1 <= tw <= 65535 and 1 <= th <= 65535, f"tile size {tw}x{th}")
        self.check(at, ox < tw and oy < th, f"overlap {ox}x{oy}")
        self.check(at, 1 <= cols <= 65535 and 1 <= rows <= 65535, f"tile grid {cols}x{rows}")
        h["tiling"] = dict(mode=mode, tile_w=tw, tile_h=th, overlap_x=ox, overlap_y=oy, columns=cols, rows=rows)
        at = self.pos
        h["tokens"], h["channels"] = self.unpack("<II")
        self.check(at, 1 <= h["tokens"] <= 1 << 20 and 1 <= h["channels"] <= 4096, "tokens or channels")
        self.check(at, cols * rows * h["tokens"] * h["channels"] <= MAX_VALUES_PER_GROUP, "values per group")
        at = self.pos
        kind, bits, scheme = self.unpack("<BBB")
        if (kind, bits, scheme) != (0, 0, 0) and not (kind == 1 and 1 <= bits <= 16 and scheme in (1, 2)):
            self.fail(at, f"unknown latent encoding (kind {kind}, bits {bits}, scheme {scheme})")
        h["bits"] = bits if kind == 1 else 0
        h["stride"] = self.unpack("<I")[0] if scheme == 2 else 0
        self.check(at, scheme != 2 or 1 <= h["stride"] < h["tokens"], f"prediction stride {h['stride']}")
        if kind == 1:
            self.check(at, h["channels"] << bits << (scheme == 2) <= 1 << 24, "coder contexts")
        at = self.pos
        (n,) = self.unpack("<I")
        self.check(at, n <= 4096, f"metadata entry count {n}")
        h["metadata"], previous = {}, None
        for _ in range(n):
            at = self.pos
            key, value = self.string(4096), self.string(1 << 16)
            if previous is not None and key.encode() <= previous.encode():
                self.fail(at, f"metadata key {key!r} is not after {previous!r} (keys must be sorted, unique)")
            h["metadata"][key], previous = value, key
        return h

    # ------------------------------------------------------------ records
    def values_per_group(self):
        h = self.header
        return h["tiling"]["columns"] * h["tiling"]["rows"] * h["tokens"] * h["channels"]

    def group_count(self):
        h = self.header
        return -(-h["frames"] // h["group_length"])

    def parse_records(self, pos):
        records, groups, audios = [], 0, 0
        while True:
            if len(self.data) - pos < 16:
                self.fail(pos, f"file ends after {groups} of {self.group_count()} groups "
                          "without an end record: truncated")
            rtype, length = struct.unpack_from("<IQ", self.data, pos)
            if length > len(self.data) - pos - 16:
                self.fail(pos, f"record of {length} bytes runs past the end of the file: truncated")
            end = pos + 12 + length
            stored, computed = struct.unpack_from("<I", self.data, end)[0], zlib.crc32(self.data[pos:end])
            if stored != computed:
                self.fail(pos, f"record CRC mismatch (stored 0x{stored:08x}, computed 0x{computed:08x})")
            payload = self.data[pos + 12:end]
            if rtype == GROUP:
                self.check_group(pos, groups, payload)
                groups += 1
            elif rtype == AUDIO:
                audios += 1
                self.check(pos, audios == 1, "second audio record")
            elif rtype != END:
                self.fail(pos, f"unknown record type {rtype}")
            records.append((rtype, pos, payload))
            pos = end + 4
            if rtype == END:
                break
        if len(payload) != 12 or struct.unpack("<QI", payload) != (groups, audios):
            self.fail(records[-1][1], f"end record does not match the {groups} groups and {audios} audio records found")
        if groups != self.group_count():
            self.fail(records[-1][1], f"{groups} group records for {self.group_count()} groups")
        if pos != len(self.data):
            self.fail(pos, f"{len(self.data) - pos} bytes after the end record")
        return records

    def check_group(self, pos, index, payload):
        h, v = self.header, self.values_per_group()
        self.check(pos, index < self.group_count(), f"group record {index}")
        self.check(pos, len(payload) >= 4 and struct.unpack_from("<I", payload)[0] == index,
                   f"group index (expected {index})")
        if h["bits"] == 0:
            self.check(pos, len(payload) == 4 + 2 * v, f"float16 group payload of {len(payload)} bytes")
            return
        fixed = 4 + 8 * h["channels"] + (1 if h["stride"] else 0)
        self.check(pos, fixed + 5 <= len(payload) <= fixed + 2 * v * h["bits"] + 5,
                   f"quantized group payload of {len(payload)} bytes")

    def groups(self):
        """Each group's latents, decoded: float32 arrays of values_per_group() values."""
        for rtype, pos, payload in self.records:
            if rtype == GROUP:
                yield self.decode_group(pos, payload)

    def decode_group(self, pos, payload):
        h, n = self.header, self.values_per_group()
        if h["bits"] == 0:
            values = np.frombuffer(payload, dtype="<f2", offset=4).astype(np.float32)
            if not np.isfinite(values).all():
                self.fail(pos, f"latent value {int(np.argmin(np.isfinite(values)))} is not a finite number")
            return values
        c = h["channels"]
        lohi = np.frombuffer(payload, dtype="<f4", count=2 * c, offset=4).reshape(c, 2)
        lo, hi = lohi[:, 0], lohi[:, 1]
        if not (np.isfinite(lohi).all() and (lo <= hi).all()):
            self.fail(pos, "channel range not finite or lo > hi")
        coded, stride = payload[4 + 8 * c:], 0
        if h["stride"]:
            mode, coded = coded[0], coded[1:]
            self.check(pos, mode in (0, 1), f"prediction mode {mode}")
            stride = h["stride"] if mode == 1 else 0
        try:
            q = decode_symbols(coded, n, h["bits"], c, h["tokens"], stride)
        except ValueError as e:
            self.fail(pos, f"range-coded latents: {e}")
        return dequantize(q, lo, hi, h["bits"], c)

    def audio(self):
        """The audio record's payload (bytes), or None."""
        return next((p for t, _, p in self.records if t == AUDIO), None)
