"""The .vtk latent coder of docs/FORMAT.md in Python, written from the spec (not from the Swift
code): the adaptive binary range coder, scheme 1 (per-channel binary trees over each symbol's
bits) and scheme 2 (a second tree set for tokens predicted from the token `stride` earlier,
coding the zigzagged wrapped residual). Used by the reader (container.py), the writer
(writer.py) and `scripts/vtk_reference.py baseline`.
"""
import numpy as np


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

