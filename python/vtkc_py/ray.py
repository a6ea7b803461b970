"""Runs a `vtkc compress` batch on a Ray cluster: N Ray tasks, task K running
`vtkc compress ARGS... --shard K/N --report ...` (vtkc's own batch mode, so the outputs are
the files one `vtkc compress ARGS...` writes), each retried when vtkc ends abnormally or its
worker dies; the reports are merged and the exit status is 1 if any input failed.

    python -m vtkc_py.ray [--address ADDR] [--tasks N] [--cpus-per-task C] [--max-retries R]
                          [--vtkc PATH] [--report FILE.jsonl] -- IN... -o DIR [compress options]

Inputs, -o and --list are resolved in the driver's current directory on every node, and the
vtkc binary, the model and the data must be at the same paths there (a shared filesystem).
The package is shipped to the workers (runtime_env py_modules), so nodes need only ray.
"""
import argparse
import os
import sys

import vtkc_py
from vtkc_py.batch import (ShardCrashed, find_vtkc, merge_reports, output_directory, report_refusal, run_shard,
                           write_report)


def parse(argv):
    ap = argparse.ArgumentParser(prog="python -m vtkc_py.ray", description=__doc__.split("\n\n")[0],
                                 epilog="Everything after -- goes to `vtkc compress` unchanged (not --shard or --report).")
    ap.add_argument("--address", help="Ray cluster to join (default: $RAY_ADDRESS, else start a local one)")
    ap.add_argument("--num-cpus", type=int, help="CPUs of the local cluster started without --address (default: all)")
    ap.add_argument("--tasks", type=int, help="number of shards N (default: the cluster's CPUs / --cpus-per-task)")
    ap.add_argument("--cpus-per-task", type=int, default=1,
                    help="CPUs reserved per task, passed to vtkc as --threads unless given after -- (default 1)")
    ap.add_argument("--max-retries", type=int, default=3,
                    help="retries of a task whose vtkc ends abnormally or whose worker dies (default 3; "
                         "an input that fails is reported, not retried; resume skips finished outputs)")
    ap.add_argument("--vtkc", help="the vtkc binary (default: vtkc on PATH, else this checkout's .build/{release,debug}/vtkc)")
    ap.add_argument("--report", metavar="FILE.jsonl", help="write the merged per-input report here")
    if "--" not in argv:
        ap.print_usage(sys.stderr)
        ap.exit(2, f"{ap.prog}: error: give the vtkc compress arguments after --\n")
    split = argv.index("--")
    args = ap.parse_args(argv[:split])
    compress = argv[split + 1:]
    try:
        output_directory(compress)
    except ValueError as e:
        ap.error(str(e))
    refusal = args.report and report_refusal(args.report, overwrite="-y" in compress)
    if refusal:
        ap.error(refusal)
    for name in ("tasks", "cpus_per_task", "num_cpus"):
        value = getattr(args, name)
        if value is not None and value < 1:
            ap.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.max_retries < 0:
        ap.error("--max-retries must be at least 0")
    return args, compress


def main(argv=None):
    args, compress = parse(sys.argv[1:] if argv is None else argv)
    try:
        vtkc = find_vtkc(args.vtkc)
    except FileNotFoundError as e:
        print(f"vtkc_py.ray: {e}", file=sys.stderr)
        return 1
    try:
        import ray
    except ImportError:
        ray = None
    if not hasattr(ray, "init"):  # none, or a directory named ray (e.g. /tmp/ray) seen as a namespace package
        print("vtkc_py.ray: ray is not installed (pip install ray)", file=sys.stderr)
        return 1
    local = {"num_cpus": args.num_cpus} if args.num_cpus and not args.address else {}
    ray.init(address=args.address, include_dashboard=False, runtime_env={"py_modules": [vtkc_py]}, **local)
    try:
        tasks = args.tasks or max(1, int(ray.cluster_resources().get("CPU", 1)) // args.cpus_per_task)
        remote = ray.remote(run_shard).options(num_cpus=args.cpus_per_task, max_retries=args.max_retries,
                                               retry_exceptions=[ShardCrashed])
        cwd = os.getcwd()
        refs = [remote.remote(vtkc, compress, k, tasks, cwd, args.cpus_per_task) for k in range(tasks)]
        results, crashed = [], []
        for k, ref in enumerate(refs):
            try:
                results.append(ray.get(ref))
            except Exception as e:  # a task that failed after its retries: RayTaskError, WorkerCrashedError, ...
                cause = e.cause if isinstance(getattr(e, "cause", None), ShardCrashed) else e
                crashed.append(f"shard {k}/{tasks} failed after {args.max_retries} retries: {cause}".splitlines()[0])
    finally:
        ray.shutdown()
    records = merge_reports(results)
    if args.report:
        write_report(records, args.report)
    failed = [r for r in records if r["status"] == "failed"]
    counts = {s: sum(r["status"] == s for r in records) for s in ("ok", "skipped", "failed")}
    print(f"vtkc_py.ray: {tasks} tasks, {len(records)} inputs: {counts['ok']} ok, {counts['skipped']} skipped, "
          f"{counts['failed']} failed", file=sys.stderr)
    for r in failed:
        print(f"vtkc: {r['path']}: {r['error']}", file=sys.stderr)
    for line in crashed:
        print(f"vtkc_py.ray: {line}", file=sys.stderr)
    if failed:
        print(f"vtkc: {len(failed)} of {len(records)} inputs failed", file=sys.stderr)
    return 1 if failed or crashed else 0


if __name__ == "__main__":
    sys.exit(main())
