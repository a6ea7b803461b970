#!/usr/bin/env python3
"""Independent Python implementation of the .vtk container (docs/FORMAT.md), written from the
spec, not from the Swift code: a cross-check that the spec suffices, a fixture generator, and
the entropy-coder baseline measurement.

Commands:
  vtk_reference.py fixtures DIR
      Writes the cross-implementation fixtures Tests/VTKFormatTests/Fixtures/ uses:
      ref-f16.vtk, ref-q6.vtk, ref-q5-temporal.vtk (coder scheme 2, stride 2) (+ .input.f32
      latents fed to the writer, .decoded.f32 what a reader must return). Command used: python scripts/vtk_reference.py fixtures Tests/VTKFormatTests/Fixtures
  vtk_reference.py dump FILE.vtk
      Prints the header and per-record sizes, decoding (and so CRC-checking) every group.
  vtk_reference.py baseline FILE.vtk|Z.npy [--bits N ...] [--groups K] [--stride S]
      For each N: quantizes each group per channel exactly as the format does, codes it with
      the scheme-1 range coder and the scheme-2 coder (temporal residuals, stride S tokens,
      default 256 = one time step of S-B/4x8), and prints bits/symbol against the per-group,
      per-channel order-0 empirical entropy and zstd -19 on the raw symbols (token-major and
      channel-planar). Both coders' outputs are decoded back and checked.
"""
import math
import struct
import sys
import zlib

import numpy as np

MAGIC = bytes([0x89, 0x56, 0x54, 0x4B, 0x0D, 0x0A, 0x1A, 0x0A])
GROUP, AUDIO, END = 1, 2, 3


# ---------------------------------------------------------------- range coder (schemes 1, 2)
class Ctx:
    __slots__ = ("fast", "slow")

    def __init__(self):
        self.fast = 32768
        self.slow = 32768

    def p(self):
        return (self.fast + self.slow) >> 5

    def update(self, bit):
        if bit == 0:
            self.fast += (65536 - self.fast) >> 4
            self.slow += (65536 - self.slow) >> 7
        else:
            self.fast -= self.fast >> 4
            self.slow -= self.slow >> 7


class Encoder:
    def __init__(self):
        self.low, self.range, self.cache, self.cache_size, self.out = 0, 0xFFFFFFFF, 0, 1, bytearray()

    def bit(self, b, ctx):
        bound = (self.range >> 12) * ctx.p()
        if b == 0:
            self.range = bound
        else:
            self.low += bound
            self.range -= bound
        ctx.update(b)
        while self.range < (1 << 24):
            self.range = (self.range << 8) & 0xFFFFFFFF
            self.shift_low()

    def shift_low(self):
        if self.low < 0xFF000000 or self.low >= (1 << 32):
            carry = self.low >> 32
            self.out.append((self.cache + carry) & 0xFF)
            for _ in range(self.cache_size - 1):
                self.out.append((0xFF + carry) & 0xFF)
            self.cache_size = 0
            self.cache = (self.low >> 24) & 0xFF
        self.cache_size += 1
        self.low = (self.low & 0x00FFFFFF) << 8

    def finish(self):
        for _ in range(5):
            self.shift_low()
        return bytes(self.out)


class Decoder:
    def __init__(self, data):
        if len(data) < 1 or data[0] != 0:
            raise ValueError("coded stream must start with a 0 byte")
        self.data, self.pos, self.range, self.code = data, 0, 0xFFFFFFFF, 0
        for _ in range(5):
            self.code = ((self.code << 8) | self.next()) & 0xFFFFFFFF

    def next(self):
        if self.pos >= len(self.data):
            raise ValueError("coded stream ends early")
        self.pos += 1
        return self.data[self.pos - 1]

    def bit(self, ctx):
        bound = (self.range >> 12) * ctx.p()
        if self.code < bound:
            self.range, b = bound, 0
        else:
            self.code -= bound
            self.range -= bound
            b = 1
        ctx.update(b)
        while self.range < (1 << 24):
            self.range = (self.range << 8) & 0xFFFFFFFF
            self.code = ((self.code << 8) | self.next()) & 0xFFFFFFFF
        return b


def residual(value, previous, bits):
    """Scheme 2: value - previous wrapped into [-2^(bits-1), 2^(bits-1)), then zigzagged."""
    m = 1 << bits
    d = (value - previous) & (m - 1)
    if d >= m >> 1:
        d -= m
    return 2 * d if d >= 0 else -2 * d - 1


def unresidual(coded, previous, bits):
    d = coded >> 1 if coded % 2 == 0 else -((coded + 1) >> 1)
    return (previous + d) & ((1 << bits) - 1)


def _tree_set(ctxs, i, channels, tokens, stride):
    """(trees, predicted) for value i: per-channel trees, a second set for predicted tokens."""
    token = i // channels % tokens
    predicted = stride > 0 and token >= stride
    return ctxs[(channels if predicted else 0) + i % channels], predicted


def code_symbols(symbols, bits, channels, tokens=1, stride=0):
    ctxs = [[Ctx() for _ in range(1 << bits)] for _ in range((2 if stride else 1) * channels)]
    enc = Encoder()
    for i, q in enumerate(symbols):
        tree, predicted = _tree_set(ctxs, i, channels, tokens, stride)
        q = residual(int(q), int(symbols[i - stride * channels]), bits) if predicted else int(q)
        node = 1
        for s in range(bits - 1, -1, -1):
            b = (q >> s) & 1
            enc.bit(b, tree[node])
            node = 2 * node + b
    return enc.finish()


def decode_symbols(data, count, bits, channels, tokens=1, stride=0):
    ctxs = [[Ctx() for _ in range(1 << bits)] for _ in range((2 if stride else 1) * channels)]
    dec = Decoder(data)
    out = np.zeros(count, dtype=np.int64)
    for i in range(count):
        tree, predicted = _tree_set(ctxs, i, channels, tokens, stride)
        node = 1
        for _ in range(bits):
            node = 2 * node + dec.bit(tree[node])
        q = node - (1 << bits)
        out[i] = unresidual(q, int(out[i - stride * channels]), bits) if predicted else q
    if dec.pos != len(data):
        raise ValueError("coded stream has bytes left over")
    return out


# ---------------------------------------------------------------- quantization
def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


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


# ---------------------------------------------------------------- commands
def fixtures(outdir):
    rng = np.random.default_rng(20261127)
    base = dict(model_name="vitok-ref", model_sha256=bytes(range(32)), config='{"latent_channels": 4}',
                width=150, height=90, frames=20, rate=(30000, 1001), aspect=(4, 3), group_length=16,
                tiling=dict(mode=1, tile_w=128, tile_h=128, overlap_x=106, overlap_y=0, columns=2, rows=1),
                tokens=8, channels=4, metadata={"source": "ref.mp4", "codec": "h264", "rotation": "0"})
    n = 2 * 8 * 4
    groups = [(rng.standard_normal(n) * np.tile([0.5, 1, 2, 0], n // 4) + np.tile([0, 1, -1, 3], n // 4)).astype(np.float32)
              for _ in range(2)]
    for name, bits, stride in [("ref-f16", 0, 0), ("ref-q6", 6, 0), ("ref-q5-temporal", 5, 2)]:
        h = dict(base, bits=bits, stride=stride)
        write_vtk(f"{outdir}/{name}.vtk", h, groups, audio=b"\x01\x02opaque audio\xff")
        np.concatenate(groups).astype("<f4").tofile(f"{outdir}/{name}.input.f32")
        with open(f"{outdir}/{name}.vtk", "rb") as f:
            decoded = list(Reader(f.read()).groups())
        np.concatenate(decoded).astype("<f4").tofile(f"{outdir}/{name}.decoded.f32")
        print(f"wrote {outdir}/{name}.vtk")


def dump(path):
    with open(path, "rb") as f:
        r = Reader(f.read())
    h = dict(r.header, model_sha256=r.header["model_sha256"].hex())
    print(h)
    for i, g in enumerate(r.groups()):
        print(f"group {i}: {g.size} values, mean {g.mean():.4f}, std {g.std():.4f}")
    print({t: sum(len(p) + 16 for rt, _, p in r.records if rt == t) for t in (GROUP, AUDIO, END)})


def order0_bits(q, channels):
    total = 0.0
    for k in range(channels):
        _, counts = np.unique(q[k::channels], return_counts=True)
        p = counts / counts.sum()
        total -= (counts * np.log2(p)).sum()
    return total


def baseline(path, bits_list, max_groups, stride):
    import zstandard

    if path.endswith(".npy"):
        z = np.load(path).astype(np.float32)
        channels, tokens = z.shape[-1], z.shape[-2]
        groups = [z[i].reshape(-1) for i in range(z.shape[0])]
    else:
        with open(path, "rb") as f:
            r = Reader(f.read())
        channels, tokens = r.header["channels"], r.header["tokens"]
        groups = list(r.groups())
    groups = groups[:max_groups]
    print(f"{path}: {len(groups)} groups of {groups[0].size} values, {channels} channels")
    print(f"scheme 2 stride: {stride} tokens")
    print("bits  scheme1 b/sym  scheme2 b/sym  order0 b/sym  scheme1/order0  zstd-19 b/sym  zstd-19 planar b/sym")
    for bits in bits_list:
        n = coded = ent = zs = zp = pc = 0
        for g in groups:
            lo, hi, q = quantize(g, bits, channels)
            stream = code_symbols(q, bits, channels)
            assert np.array_equal(decode_symbols(stream, q.size, bits, channels), q)
            dtype = np.uint8 if bits <= 8 else np.dtype("<u2")
            cctx = zstandard.ZstdCompressor(level=19)
            n += q.size
            coded += 8 * len(stream)
            ent += order0_bits(q, channels)
            zs += 8 * len(cctx.compress(q.astype(dtype).tobytes()))
            zp += 8 * len(cctx.compress(q.reshape(-1, channels).T.astype(dtype).tobytes()))
            temporal = code_symbols(q, bits, channels, tokens, stride)
            assert np.array_equal(decode_symbols(temporal, q.size, bits, channels, tokens, stride), q)
            pc += 8 * len(temporal)
        print(f"{bits:4d}  {coded / n:13.3f}  {pc / n:13.3f}  {ent / n:12.3f}  {coded / ent:14.3f}  {zs / n:13.3f}"
              f"  {zp / n:20.3f}")


def main(argv):
    if len(argv) >= 2 and argv[0] == "fixtures":
        fixtures(argv[1])
    elif len(argv) >= 2 and argv[0] == "dump":
        dump(argv[1])
    elif len(argv) >= 2 and argv[0] == "baseline":
        bits = [int(b) for i, b in enumerate(argv) if i > 0 and argv[i - 1] == "--bits"] or [4, 6, 8]
        groups = int(argv[argv.index("--groups") + 1]) if "--groups" in argv else 4
        stride = int(argv[argv.index("--stride") + 1]) if "--stride" in argv else 256
        baseline(argv[1], bits, groups, stride)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
