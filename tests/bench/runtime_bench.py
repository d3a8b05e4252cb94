#!/usr/bin/env python3
"""Runtime benchmark: latency at np=4 (equal, --inflight 1) against np=1, and
throughput with --inflight 1, 2, 4, for a few zoo models. Every configuration
of a model runs in the same session, alternating round by round, so machine
noise hits them alike; the table reports medians over rounds.

This machine has 2 cores, so np=4 is not expected to be faster here: the
numbers show the runtime's overhead and how well requests in flight overlap.
"""
import argparse, os, statistics, sys

from bench_run import ROOT, run_summary, write_report, zoo_model


def run(np_, model, inflight, repeat):
    onnx, npy = zoo_model(model)
    args = [onnx, "--input", npy, "--repeat", str(repeat), "--inflight", str(inflight),
            "--partitioner", "equal"]
    if np_ > 1:
        args += ["--threads", "1"]
    return run_summary(np_, args)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--models", default="resnet18,googlenet,densenet121")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench-runtime.md"))
    args = ap.parse_args()
    rounds, repeat = (2, 8) if args.quick else (5, 20)
    configs = [(1, 1), (4, 1), (4, 2), (4, 4)]  # (np, inflight)
    lines = ["| model | np=1 latency ms | np=4 latency ms | np=4 / np=1 | "
             "np=4 req/s K=1 | K=2 | K=4 | K=4 / K=1 | MB moved/request |",
             "|---|---|---|---|---|---|---|---|---|"]
    for model in args.models.split(","):
        lat = {c: [] for c in configs}
        thr = {c: [] for c in configs}
        moved = 0.0
        for _ in range(rounds):
            for c in configs:
                s = run(c[0], model, c[1], repeat)
                lat[c].append(s["latency_ms"]["median"])
                thr[c].append(s["throughput_per_s"])
                if c == (4, 1):
                    moved = s["bytes_moved_per_request"] / 1e6
        med = lambda xs: statistics.median(xs)
        l1, l4 = med(lat[(1, 1)]), med(lat[(4, 1)])
        t = [med(thr[(4, k)]) for k in (1, 2, 4)]
        lines.append(f"| {model} | {l1:.1f} | {l4:.1f} | {l4 / l1:.2f} | {t[0]:.2f} | {t[1]:.2f} "
                     f"| {t[2]:.2f} | {t[2] / t[0]:.2f} | {moved:.2f} |")
        print(lines[-1], flush=True)
    write_report(args.out, "\n".join(lines), f"; {rounds} rounds x {repeat} requests, medians")


if __name__ == "__main__":
    sys.exit(main())
