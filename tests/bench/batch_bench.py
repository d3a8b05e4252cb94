#!/usr/bin/env python3
"""Batch benchmark: a directory of OpenCV-drawn images through the cluster with
--inflight K = 1, 2, 4, 8, in images per second, beside the bound the busiest
rank allows: requests / (its kernel time), from the JSON summary's
busy_s_per_rank. The configurations alternate round by round, so machine
noise hits them alike; the table reports medians over rounds.

Default: resnet18 at np = 4 on the emulated pimix cluster (two "Pi 4" at
1/8 of a core and 1 Gbit/s, two "Pi 3" at 1/16 and 100 Mbit/s; kernels keep
their rank busy for CPU time / speed, links queue). --local runs this machine
instead (np = 2, one thread per rank, no emulation).
"""
import argparse, os, statistics, subprocess, sys, tempfile

from bench_run import ROOT, run_summary, write_report


def run(args, images, inflight, out):
    cmd = [os.path.join(ROOT, "models", "zoo", args.model + ".onnx"), "-i", images,
           "--inflight", str(inflight), "--threads", "1"]
    if args.cluster:
        cmd += ["--cluster", args.cluster]
    if args.partitioner:
        cmd += ["--partitioner", args.partitioner]
    return run_summary(args.np, cmd, edgeflow=os.path.join(args.build, "edgeflow"),
                       json_path=out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--local", action="store_true", help="this machine, np = 2, no emulation")
    ap.add_argument("--model", default="resnet18")
    ap.add_argument("--np", type=int)
    ap.add_argument("--cluster")
    ap.add_argument("--partitioner", help="default: the program's")
    ap.add_argument("--images", type=int)
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench-batch.md"))
    args = ap.parse_args()
    if args.local:
        args.np = args.np or 2
    else:
        args.np = args.np or 4
        args.cluster = args.cluster or os.path.join(ROOT, "hostfiles", "emulated", "pimix.txtpb")
    rounds = args.rounds or (2 if args.quick else 3)
    count = args.images or (24 if args.quick else 48)
    ks = [1, 2, 4, 8]
    where = f"np={args.np}, " + (os.path.relpath(args.cluster, ROOT) if args.cluster else
                                 "this machine")
    with tempfile.TemporaryDirectory() as tmp:
        make = os.path.join(args.build, "tests", "batch", "edgeflow_batch_images")
        subprocess.run([make, tmp, str(count), "0"], check=True, stdout=subprocess.DEVNULL)
        images = os.path.join(tmp, "images")
        rows = {k: [] for k in ks}
        for r in range(rounds):
            for k in ks:
                s = run(args, images, k, os.path.join(tmp, "run.jsonl"))
                rows[k].append(s)
                print(f"round {r + 1}/{rounds} K={k}: {s['images_per_s']:.2f} img/s, bound "
                      f"{s['bound_per_s']:.2f}/s, busy/rank "
                      f"{[round(b, 2) for b in s['busy_s_per_rank']]} s", flush=True)
    med = statistics.median
    lines = [f"{args.model}, {where}, {count} images, {rounds} rounds (medians)", "",
             "| --inflight K | images/s | bound/s (busiest rank) | images/s / bound | "
             "latency p50 ms | input wait s |",
             "|---|---|---|---|---|---|"]
    best = 0.0
    for k in ks:
        rate = med([s["images_per_s"] for s in rows[k]])
        bound = med([s["bound_per_s"] for s in rows[k]])
        ratio = med([s["images_per_s"] / s["bound_per_s"] for s in rows[k] if s["bound_per_s"]])
        best = max(best, ratio)
        lines.append(f"| {k} | {rate:.2f} | {bound:.2f} | {ratio:.2f} | "
                     f"{med([s['latency_ms']['p50'] for s in rows[k]]):.0f} | "
                     f"{med([s['input_wait_s'] for s in rows[k]]):.2f} |")
    lines += ["", f"best K: {best:.2f} of the bound (target >= 0.9)"]
    write_report(args.out, "\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
