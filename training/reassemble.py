"""Check, join and unpack the parts written by training/ship.py, and install the int8 model.

Every part's SHA-256 and size must match MANIFEST.json, then the joined gzip stream's and the
unpacked tar's; only regular files under model/ and extra/ are accepted. The model directory
is installed by writing a sibling temporary directory and renaming it over --install; extra
files (logs, eval results) go to --extras.

    python -m training.reassemble DIR [DIR ...] --install models/vitok-sb4x8 [--extras runs/gpu]
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile


class ReassemblyError(Exception):
    pass


def find(dirs: list[str], name: str) -> str:
    for d in dirs:
        path = os.path.join(d, name)
        if os.path.isfile(path):
            return path
    raise ReassemblyError(f"{name} not found in {', '.join(dirs)}: fetch it from the GPU machine first")


def join_parts(dirs: list[str]) -> tuple[bytes, dict]:
    with open(find(dirs, "MANIFEST.json")) as f:
        manifest = json.load(f)
    stream = bytearray()
    for part in manifest["parts"]:
        with open(find(dirs, part["name"]), "rb") as f:
            data = f.read()
        if len(data) != part["bytes"] or hashlib.sha256(data).hexdigest() != part["sha256"]:
            raise ReassemblyError(f"{part['name']}: size or SHA-256 differs from MANIFEST.json (corrupt or partial copy)")
        stream += data
    if hashlib.sha256(stream).hexdigest() != manifest["gz_sha256"]:
        raise ReassemblyError("joined stream SHA-256 differs from MANIFEST.json")
    raw = gzip.decompress(bytes(stream))
    if hashlib.sha256(raw).hexdigest() != manifest["tar_sha256"]:
        raise ReassemblyError("unpacked tar SHA-256 differs from MANIFEST.json")
    return raw, manifest


def unpack(raw: bytes, install: str, extras: str | None) -> list[str]:
    install = os.path.abspath(install)
    os.makedirs(os.path.dirname(install), exist_ok=True)
    tmp = tempfile.mkdtemp(dir=os.path.dirname(install), prefix=".install-")
    names = []
    try:
        with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
            for member in tar.getmembers():
                if member.isdir():
                    continue
                parts = member.name.split("/")
                if not member.isfile() or len(parts) != 2 or parts[0] not in ("model", "extra") \
                        or parts[1] in ("", ".", ".."):
                    raise ReassemblyError(f"unexpected tar member {member.name!r}")
                data = tar.extractfile(member).read()
                if parts[0] == "model":
                    dest = os.path.join(tmp, parts[1])
                    names.append(parts[1])
                elif extras:
                    os.makedirs(extras, exist_ok=True)
                    dest = os.path.join(extras, parts[1])
                else:
                    continue
                with open(dest, "wb") as f:
                    f.write(data)
        if not any(n.endswith(".safetensors") for n in names):
            raise ReassemblyError("the bundle holds no .safetensors shard")
        os.chmod(tmp, 0o755)
        if os.path.exists(install):
            shutil.rmtree(install)
        os.replace(tmp, install)
    finally:
        if os.path.exists(tmp):
            shutil.rmtree(tmp)
    return sorted(names)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Verify and install the parts of a shipped int8 model.")
    ap.add_argument("dirs", nargs="+", help="directories holding MANIFEST.json and part-NN files")
    ap.add_argument("--install", default="models/vitok-sb4x8")
    ap.add_argument("--extras", default="", help="where the bundled logs go (default: not extracted)")
    args = ap.parse_args(argv)
    try:
        raw, manifest = join_parts(args.dirs)
        names = unpack(raw, args.install, args.extras or None)
    except (ReassemblyError, OSError, tarfile.TarError, gzip.BadGzipFile, KeyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"verified {len(manifest['parts'])} parts; installed {', '.join(names)} into {args.install}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
