"""What travels to the GPU machine, in calls that each fit the 64 MiB the device tool carries.

Every device call sends the working tree (tracked files that are present, untracked files git
does not ignore) plus the paths it carries, 64 MiB at most. The job needs more than one call
holds: the pack (about 25 MiB), the LPIPS weights (9.4 MiB) and, to continue training, the
shipped int8 model (124 MiB). So the payload is one tar stream cut into pieces, grouped into
call folders under .gpu/lease/call-K/, each sized to what that call can carry beside the tree;
the first calls only stage their pieces on the warm machine (/tmp/vtkc_stage), the last one
also trains. models/ (tracked, 124 MiB) must not travel with the tree: `tree off` leaves it out
of the working tree with a sparse checkout, `tree on` brings it back.

    python -m training.lease plan --init models/vitok-sb4x8    # writes .gpu/lease/call-1..N
    python -m training.lease tree off                 # before the lease (tree on afterwards)
    python -m training.lease size --carry .gpu/lease/call-1    # what one call would send
    python -m training.lease stage .gpu/lease/call-K  # on the device: pieces -> /tmp/vtkc_stage
    python -m training.lease unpack                   # on the device: all pieces -> payload/
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
LIMIT = 64 * 2**20
MARGIN = 2 * 2**20
STAGE = "/tmp/vtkc_stage"


def _git(*args: str, cwd: str = REPO) -> bytes:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True).stdout


def _tree_bytes(path: str) -> int:
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def travelling_bytes(root: str = REPO, carry: tuple[str, ...] = (), without: str = "") -> int:
    """Bytes a device call would send: tracked files present in the working tree, untracked
    files git does not ignore, and the carried paths; `without`: as if that folder were left out."""
    names = set(_git("ls-files", "-z", cwd=root).split(b"\0"))
    names |= set(_git("ls-files", "-z", "--others", "--exclude-standard", cwd=root).split(b"\0"))
    total = 0
    for name in names - {b""}:
        path = os.path.join(root, os.fsdecode(name))
        if without and os.fsdecode(name).startswith(without.rstrip("/") + "/"):
            continue
        if os.path.isfile(path) and not os.path.islink(path):
            total += os.path.getsize(path)
    return total + sum(_tree_bytes(os.path.join(root, c)) for c in carry)


def set_tree(on: bool, root: str = REPO) -> None:
    """on: the whole tree; off: everything but models/ (a sparse checkout, nothing committed)."""
    if on:
        _git("sparse-checkout", "disable", cwd=root)
    else:
        _git("sparse-checkout", "set", "--no-cone", "/*", "!/models/", cwd=root)


def plan(files: dict[str, str], out: str, tree_bytes: int, limit: int = LIMIT) -> dict:
    """Tar `files` (name in the payload -> path) into .gpu/lease-sized pieces, one folder per call.

    Each call carries at most limit - tree_bytes - MARGIN bytes; every folder gets the manifest
    (piece names, sizes and SHA-256, the call each belongs to)."""
    room = limit - tree_bytes - MARGIN
    if room < 4 * 2**20:
        raise SystemExit(f"error: the tree alone is {tree_bytes / 2**20:.1f} MiB; "
                         "leave models/ out first (python -m training.lease tree off)")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    stream = os.path.join(out, "payload.tar")
    with tarfile.open(stream, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, path in files.items():
            tar.add(path, arcname=name, recursive=True)
    size, pieces = os.path.getsize(stream), []
    with open(stream, "rb") as f:
        k = 0
        while chunk := f.read(room):
            k += 1
            folder = os.path.join(out, f"call-{k}")
            os.makedirs(folder)
            name = f"piece-{k:02d}"
            with open(os.path.join(folder, name), "wb") as p:
                p.write(chunk)
            pieces.append({"name": name, "call": k, "bytes": len(chunk),
                           "sha256": hashlib.sha256(chunk).hexdigest()})
    os.unlink(stream)
    manifest = {"payload_bytes": size, "files": sorted(files), "pieces": pieces,
                "calls": len(pieces), "room_per_call": room}
    for k in range(1, len(pieces) + 1):
        with open(os.path.join(out, f"call-{k}", "LEASE.json"), "w") as f:
            json.dump(manifest, f, indent=1)
    return manifest


def stage(folder: str, stage_dir: str = STAGE) -> list[str]:
    """Copy a call folder's pieces and manifest into the staging folder (kept while warm)."""
    os.makedirs(stage_dir, exist_ok=True)
    names = sorted(n for n in os.listdir(folder) if n.startswith("piece-") or n == "LEASE.json")
    for n in names:
        shutil.copyfile(os.path.join(folder, n), os.path.join(stage_dir, n))
    return names


def unpack(stage_dir: str = STAGE) -> str:
    """Check every staged piece against the manifest, join and extract the payload; returns
    the payload folder. A missing or damaged piece is an error naming it."""
    with open(os.path.join(stage_dir, "LEASE.json")) as f:
        manifest = json.load(f)
    payload = os.path.join(stage_dir, "payload")
    stream = os.path.join(stage_dir, "payload.tar")
    with open(stream, "wb") as out:
        for piece in manifest["pieces"]:
            path = os.path.join(stage_dir, piece["name"])
            if not os.path.exists(path):
                raise SystemExit(f"error: {piece['name']} (call {piece['call']}) was never staged")
            with open(path, "rb") as f:
                data = f.read()
            if hashlib.sha256(data).hexdigest() != piece["sha256"]:
                raise SystemExit(f"error: {piece['name']} does not match its SHA-256")
            out.write(data)
    shutil.rmtree(payload, ignore_errors=True)
    with tarfile.open(stream) as tar:
        for m in tar.getmembers():  # only plain files and folders below the payload folder
            if not (m.isfile() or m.isdir()) or m.name.startswith("/") or ".." in m.name.split("/"):
                raise SystemExit(f"error: payload member {m.name!r} refused")
        tar.extractall(payload)
    os.unlink(stream)
    return payload


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tree", help="leave models/ out of the working tree (off) or bring it back (on)")
    t.add_argument("state", choices=("on", "off"))
    s = sub.add_parser("size", help="MiB a device call would send; exit 1 over 64 MiB")
    s.add_argument("--carry", nargs="*", default=[])
    p = sub.add_parser("plan", help="cut the payload into call folders")
    p.add_argument("--pack", default=".gpu/pack.vtp")
    p.add_argument("--lpips", default=".gpu/lpips_alexnet.safetensors")
    p.add_argument("--init", default="", help="an int8 model directory to continue from")
    p.add_argument("--out", default=".gpu/lease")
    g = sub.add_parser("stage", help="(device) copy a call folder's pieces to the staging folder")
    g.add_argument("folder")
    g.add_argument("--dir", default=os.environ.get("VTKC_STAGE", STAGE))
    u = sub.add_parser("unpack", help="(device) join and check the staged pieces")
    u.add_argument("--dir", default=os.environ.get("VTKC_STAGE", STAGE))
    args = ap.parse_args(argv)
    if args.cmd == "tree":
        set_tree(args.state == "on")
    elif args.cmd == "size":
        n = travelling_bytes(carry=tuple(args.carry))
        print(f"{n / 2**20:.2f} MiB would travel (limit 64 MiB)")
        return 0 if n <= LIMIT else 1
    elif args.cmd == "plan":
        files = {"pack.vtp": args.pack, "lpips_alexnet.safetensors": args.lpips}
        if args.init:
            files["init"] = args.init
        manifest = plan(files, args.out, travelling_bytes(without="models"))  # as after `tree off`
        print(json.dumps({k: manifest[k] for k in ("payload_bytes", "calls", "room_per_call", "files")}))
    elif args.cmd == "stage":
        print("staged", " ".join(stage(args.folder, args.dir)))
    else:
        print("payload in", unpack(args.dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
