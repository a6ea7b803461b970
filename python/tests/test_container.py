"""The reader on the committed cross-implementation fixtures (Tests/VTKFormatTests/Fixtures,
which the Swift reader also decodes to the same .decoded.f32), and its errors on damaged files."""
import struct
import zlib

import numpy as np
import pytest

from tests.vtkc_fixtures import REPO
from vtkc_py.container import Reader, VTKError

FIXTURES = REPO / "Tests" / "VTKFormatTests" / "Fixtures"
NAMES = ["ref-f16", "ref-q6", "ref-q5-temporal"]


@pytest.mark.parametrize("name", NAMES)
def test_fixture_decodes_to_the_committed_values(name):
    reader = Reader((FIXTURES / f"{name}.vtk").read_bytes(), name=name)
    decoded = np.concatenate(list(reader.groups()))
    assert np.array_equal(decoded, np.fromfile(FIXTURES / f"{name}.decoded.f32", dtype="<f4"))
    assert reader.header["width"] == 150 and reader.header["rate"] == (30000, 1001)
    assert reader.audio() == b"\x01\x02opaque audio\xff"


def damaged(data, offset, value):
    out = bytearray(data)
    out[offset] = value
    return bytes(out)


def test_damaged_files_give_one_line_errors():
    data = (FIXTURES / "ref-q6.vtk").read_bytes()
    hlen = struct.unpack_from("<I", data, 12)[0]
    first_record = 20 + hlen
    cases = {
        "bad magic": damaged(data, 1, 0x57),
        "format version 2 is not supported": damaged(data, 8, 2),
        "header CRC mismatch": damaged(data, 40, data[40] ^ 1),
        "record CRC mismatch": damaged(data, first_record + 20, data[first_record + 20] ^ 1),
        "truncated": data[:-5],
        "bytes after the end record": data + b"\0",
        "shorter than the 16-byte prefix": data[:7],
    }
    for cause, broken in cases.items():
        with pytest.raises(VTKError) as e:
            Reader(broken, name="x.vtk")
        message = str(e.value)
        assert message.startswith("x.vtk: at byte ") and cause in message and "\n" not in message, message


def test_a_corrupt_coded_stream_with_a_valid_crc_is_an_error():
    data = bytearray((FIXTURES / "ref-q6.vtk").read_bytes())
    hlen = struct.unpack_from("<I", data, 12)[0]
    pos = 20 + hlen
    length = struct.unpack_from("<Q", data, pos + 4)[0]
    payload_start = pos + 12
    data[payload_start + 4 + 8 * 4] = 7  # the coded stream's first byte must be 0
    data[pos + 12 + length:pos + 16 + length] = struct.pack("<I", zlib.crc32(data[pos:pos + 12 + length]))
    reader = Reader(bytes(data), name="x.vtk")
    with pytest.raises(VTKError, match="range-coded latents: coded stream must start with a 0 byte"):
        list(reader.groups())
