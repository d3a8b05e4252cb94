#!/usr/bin/env python3
"""Predicted against measured latency of the default partitioner on this
machine, for every zoo model at np = 2 (one rank per core) and np = 4 (two
ranks per core). Each run profiles the ranks (cached per model and np, so the
rounds share one profile), plans with `edgeflow`, runs `--repeat` requests
and prints the plan's predicted latency beside the measured median; the table
reports the median over rounds of both and their ratio.

The profiler times each rank alone (ranks of one host take turns), so at
np = 4 on 2 cores the prediction cannot see the ranks sharing cores: the
ratio there measures what oversubscription costs, not the cost model.
"""
import argparse, os, statistics, sys, tempfile

from bench_run import ROOT, run_summary, write_report, zoo_model

MODELS = ("resnet18,resnet50,googlenet,inception_v3,densenet121,mobilenet_v2,squeezenet1_1,"
          "vgg16,fcn_resnet50,mobilenet_v3_small,unet_small")


def run(np_, model, repeat, cache):
    onnx, npy = zoo_model(model)
    return run_summary(np_, [onnx, "--input", npy, "--repeat", str(repeat), "--threads", "1",
                             "--profile-cache", cache], quiet_stderr=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="2 rounds of 5 requests, 4 models")
    ap.add_argument("--models", default=MODELS)
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench-predict.md"))
    args = ap.parse_args()
    rounds, repeat = (2, 5) if args.quick else (3, 10)
    models = args.models.split(",")
    if args.quick and args.models == MODELS:
        models = ["resnet18", "googlenet", "densenet121", "mobilenet_v2"]
    lines = ["| model | np=2 predicted ms | measured ms | ratio | np=4 predicted ms | measured ms "
             "| ratio |", "|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as caches:
        for model in models:
            cells = []
            for np_ in (2, 4):
                cache = os.path.join(caches, f"{model}.np{np_}.txtpb")
                pred, meas = [], []
                for _ in range(rounds):
                    s = run(np_, model, repeat, cache)
                    pred.append(s["predicted_latency_ms"])
                    meas.append(s["latency_ms"]["median"])
                p, m = statistics.median(pred), statistics.median(meas)
                cells.append(f"{p:.1f} | {m:.1f} | {m / p:.2f}")
            lines.append(f"| {model} | " + " | ".join(cells) + " |")
            print(lines[-1], flush=True)
    write_report(args.out, "\n".join(lines),
                 f"; {rounds} rounds x {repeat} requests, medians; ratio = measured / predicted")


if __name__ == "__main__":
    sys.exit(main())
