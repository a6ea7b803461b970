"""One shard of a `vtkc compress` batch run as a subprocess, and the merge of the shards'
JSONL reports: the parts of the cluster drivers that need no cluster (`vtkc_py.ray` runs
`run_shard` as Ray tasks). Shard K of N is exactly `vtkc compress ARGS... --shard K/N
--report FILE`, so N shards write the same files as one `vtkc compress ARGS...`.
"""
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPORT_KEYS = ("path", "output", "status", "error", "frames", "groups", "bytes", "seconds")
DRIVER_OPTIONS = ("--shard", "--report")


class ShardCrashed(RuntimeError):
    """vtkc ended abnormally (a signal, a usage error, an error before or outside the inputs):
    worth a retry, unlike an input that failed (which is recorded in the report)."""


@dataclass
class ShardResult:
    shard: int
    returncode: int
    records: list = field(default_factory=list)


def find_vtkc(explicit=None):
    """The vtkc binary: `explicit`, else `vtkc` on PATH, else this checkout's
    .build/release/vtkc or .build/debug/vtkc. Returns an absolute Path."""
    if explicit:
        path = Path(explicit)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise FileNotFoundError(f"{explicit}: not an executable file")
        return path.resolve()
    on_path = shutil.which("vtkc")
    if on_path:
        return Path(on_path).resolve()
    repo = Path(__file__).resolve().parents[2]
    for build in ("release", "debug"):
        path = repo / ".build" / build / "vtkc"
        if path.is_file():
            return path
    raise FileNotFoundError("vtkc not found: give --vtkc PATH, put vtkc on PATH, or build it (swift build)")


def output_directory(args):
    """The -o/--output value of `vtkc compress` arguments, after refusing the options the
    driver sets itself and single-file outputs (a batch writes a directory)."""
    output = None
    for i, arg in enumerate(args):
        name = arg.split("=", 1)[0]
        if name in DRIVER_OPTIONS:
            raise ValueError(f"{name} is set by the driver (one shard per task, one merged report): leave it out")
        if name in ("-o", "--output"):
            if "=" in arg:
                output = arg.split("=", 1)[1]
            elif i + 1 < len(args):
                output = args[i + 1]
    if not output:
        raise ValueError("the vtkc compress arguments need -o DIR (the output directory)")
    if output.lower().endswith(".vtk") or output == "-":
        raise ValueError(f"-o {output}: a batch writes a directory; give -o DIR")
    return output


def shard_command(vtkc, args, shard, shards, report, threads=None):
    """The command line of shard `shard` of `shards`."""
    extra = [] if threads is None or any(a.split("=", 1)[0] == "--threads" for a in args) else ["--threads", str(threads)]
    return [str(vtkc), "compress", *args, *extra, "--shard", f"{shard}/{shards}", "--report", str(report)]


def read_report(path):
    """The records of a JSONL report; ValueError naming the line if one is malformed."""
    records = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        record = json.loads(line)
        if not isinstance(record, dict) or set(record) != set(REPORT_KEYS):
            raise ValueError(f"{path}:{n}: expected a JSON object with keys {', '.join(REPORT_KEYS)}")
        records.append(record)
    return records


def report_refusal(path, overwrite):
    """Why a report must not be written to `path`, by the rule of `vtkc compress --report`:
    an earlier report (first line a JSON object with the report's keys), an empty file or no
    file may be replaced; any other regular file only with `overwrite` (-y). None when it may."""
    path = Path(path)
    if overwrite or not path.is_file() or path.stat().st_size == 0:
        return None
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    first = head.split(b"\n", 1)
    try:
        record = json.loads(first[0]) if len(first) == 2 else None
    except ValueError:
        record = None
    if isinstance(record, dict) and set(REPORT_KEYS) <= set(record):
        return None
    return f"{path} exists and is not a vtkc batch report; name another file, or pass -y to vtkc to replace it"


def run_shard(vtkc, args, shard, shards, cwd, threads=None):
    """Runs shard `shard`/`shards` in `cwd` (so relative inputs, -o and --list resolve as in
    the caller's directory). Returns its report; raises ShardCrashed unless vtkc exited 0, or
    1 with at least one input reported "failed"."""
    with tempfile.TemporaryDirectory(prefix="vtkc-shard-") as tmp:
        report = Path(tmp) / "report.jsonl"
        done = subprocess.run(shard_command(vtkc, args, shard, shards, report, threads), cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
        try:
            records = read_report(report) if report.exists() else None
        except ValueError as e:
            raise ShardCrashed(f"shard {shard}/{shards}: unreadable report: {e}") from None
    failed = records is not None and any(r["status"] == "failed" for r in records)
    if done.returncode == 0 and records is not None or done.returncode == 1 and failed:
        return ShardResult(shard, done.returncode, records)
    lines = done.stderr.strip().splitlines()
    raise ShardCrashed(f"shard {shard}/{shards}: vtkc exited with status {done.returncode}"
                       + (f": {lines[-1]}" if lines else ""))


def merge_reports(results):
    """All shards' records, sorted by output path (the batch's order up to extension renames)."""
    records = [r for result in results for r in result.records]
    return sorted(records, key=lambda r: str(r["output"]).encode())


def write_report(records, path):
    """Writes the merged report as JSONL, atomically (a temporary file renamed over `path`)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
    os.replace(tmp, path)
