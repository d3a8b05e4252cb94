#!/usr/bin/env python3
"""Soak: many requests through the cluster with several in flight (default
10,000 requests, 8 in flight, np = 4, resnet18 over the 8 inputs of
models/zoo/inputs8). Checks that

  - every (input, repeat) has exactly one record: no result lost or duplicated;
  - every repeat of an input gives the same top-5 classes and scores as its
    first: no request mixed with another's slices;
  - the resident memory of every rank is flat after warm-up: sampled from
    /proc every second, the growth from the sample at 10% of the run to the
    last is reported per rank and must stay under --max-growth-mb.

    soak_bench.py [--requests N] [--inflight K] [--np N] [--model NAME]
"""
import argparse, collections, json, os, subprocess, sys, tempfile, time

from bench_run import ROOT, ZOO, mpi_env, mpirun_command, write_report


def rank_pids(launcher_pid):
    """{rank: pid} of the ranks mpirun started (its children)."""
    pids = {}
    try:
        children = open(f"/proc/{launcher_pid}/task/{launcher_pid}/children").read().split()
    except OSError:
        return pids
    for pid in children:
        try:
            env = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        except OSError:
            continue
        for item in env:
            if item.startswith(b"OMPI_COMM_WORLD_RANK="):
                pids[int(item.split(b"=")[1])] = int(pid)
    return pids


def rss_mb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=10000)
    ap.add_argument("--inflight", type=int, default=8)
    ap.add_argument("--np", type=int, default=4)
    ap.add_argument("--model", default="resnet18")
    ap.add_argument("--max-growth-mb", type=float, default=8.0)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "edgeflow"))
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench-soak.md"))
    args = ap.parse_args()
    inputs = os.path.join(ZOO, "inputs8")
    n_inputs = len([f for f in os.listdir(inputs) if f.endswith(".npy")])
    repeat = max(1, args.requests // n_inputs)
    with tempfile.TemporaryDirectory() as tmp:
        js = os.path.join(tmp, "soak.jsonl")
        cmd = mpirun_command(args.np, [
            os.path.join(ZOO, args.model + ".onnx"), "--input", inputs, "--repeat", str(repeat),
            "--inflight", str(args.inflight), "--threads", "1", "--quiet", "--json", js,
            "--partitioner", "equal"], args.bin)
        t0 = time.time()
        proc = subprocess.Popen(cmd, env=mpi_env(args.np), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        samples = collections.defaultdict(list)  # rank -> [(seconds, MB)]
        while proc.poll() is None:
            for rank, pid in rank_pids(proc.pid).items():
                mb = rss_mb(pid)
                if mb is not None:
                    samples[rank].append((time.time() - t0, mb))
            time.sleep(1.0)
        err = proc.stderr.read()
        wall = time.time() - t0
        if proc.returncode != 0:
            print(err)
            print(f"FAIL: exit status {proc.returncode}")
            return 1
        records = [json.loads(l) for l in open(js)]
    summary = records[-1]
    requests = [r for r in records if not r.get("summary")]
    problems = []
    seen = collections.Counter((r["index"], r["repeat"]) for r in requests)
    expected = {(i, k) for i in range(n_inputs) for k in range(repeat)}
    lost = expected - set(seen)
    dup = [key for key, c in seen.items() if c > 1]
    extra = set(seen) - expected
    if lost: problems.append(f"{len(lost)} results lost, e.g. {sorted(lost)[:3]}")
    if dup: problems.append(f"{len(dup)} results duplicated, e.g. {dup[:3]}")
    if extra: problems.append(f"{len(extra)} unexpected records")
    first = {}
    mixed = 0
    for r in requests:
        if "error" in r:
            problems.append(f"error record: {r['error']}")
            continue
        top = json.dumps(r["top"])
        mixed += first.setdefault(r["index"], top) != top
    if mixed: problems.append(f"{mixed} requests differ from their input's first result")
    rows = ["| rank | RSS after warm-up MB | RSS at the end MB | growth MB | samples |",
            "|---|---|---|---|---|"]
    for rank in sorted(samples):
        s = samples[rank]
        warm = s[len(s) // 10][1]
        end = s[-1][1]
        rows.append(f"| {rank} | {warm:.1f} | {end:.1f} | {end - warm:+.1f} | {len(s)} |")
        if end - warm > args.max_growth_mb:
            problems.append(f"rank {rank}: RSS grew {end - warm:.1f} MB after warm-up")
    if len(samples) != args.np: problems.append(f"RSS sampled for {len(samples)} of {args.np} ranks")
    head = (f"{len(requests)} requests ({n_inputs} inputs x {repeat}), {args.inflight} in flight, "
            f"np={args.np}, {args.model}, equal: {wall:.0f} s, "
            f"{summary['throughput_per_s']:.1f} requests/s, "
            f"latency median {summary['latency_ms']['median']:.1f} ms")
    verdict = "ok: none lost, none duplicated, every repeat equal to its first" if not problems \
        else "FAIL: " + "; ".join(problems)
    write_report(args.out, head + "\n\n" + "\n".join(rows) + "\n\n" + verdict)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
