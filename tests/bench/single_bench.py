#!/usr/bin/env python3
"""Single-device benchmark (./run.sh bench single [--quick]).

Every zoo model on one rank: EdgeFlow (build/edgeflow, no mpirun), OpenCV DNN
(edgeflow_bench_opencv, in process, its own CPU backend) and ONNX Runtime
(onnxruntime-node, CPU execution provider, sequential), each at 1 and 2
threads on the model's own .input.npy. For each (model, threads) the engines
run back to back, round after round, in an order that rotates each round, so
machine noise hits them alike. Each run warms up, then times `repeat`
inferences; the table gives the median over all timed inferences of all
rounds, the ratios of EdgeFlow's median to the others', and whether the
targets hold (EdgeFlow <= 0.8x OpenCV DNN, <= 1.0x ONNX Runtime). Every
engine's output is checked against the model's .ref.npy (PyTorch).

For every (model, threads) that misses a target, unless --no-explain: where
the time goes, per op type, EdgeFlow's layers (timed inside forward passes)
beside ONNX Runtime's own profile (explain.md).

Then, unless --no-slices: EdgeFlow's time per row against slice height for
every row-sliced layer of resnet50 (edgeflow_bench_slices --slices).
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZOO = os.path.join(ROOT, "models", "zoo")
HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = ["resnet18", "resnet50", "googlenet", "inception_v3", "densenet121", "mobilenet_v2",
          "squeezenet1_1", "vgg16", "convnext_tiny", "shufflenet_v2_x1_0", "vit_b_16", "swin_t"]
QUICK_MODELS = ["resnet18", "googlenet", "mobilenet_v2", "squeezenet1_1"]
ENGINES = ["edgeflow", "opencv", "onnxruntime"]
# EdgeFlow with EDGEFLOW_WINOGRAD=0 (direct convolution only, src/kernels/
# conv.cpp), reported beside the default unless --no-direct; the targets are
# judged on the default.
DIRECT = "edgeflow_direct"
LABELS = {"edgeflow": "EdgeFlow", DIRECT: "EdgeFlow, direct only", "opencv": "OpenCV DNN",
          "onnxruntime": "ONNX Runtime"}
TARGET = {"opencv": 0.8, "onnxruntime": 1.0}
# Modern architectures: <= 1.2x ONNX Runtime (OpenCV DNN does not run them).
MODEL_TARGET = {m: {"onnxruntime": 1.2}
                for m in ("convnext_tiny", "shufflenet_v2_x1_0", "vit_b_16", "swin_t")}
sys.path.insert(0, os.path.join(ROOT, "models"))
from export_zoo import NOT_FOR_OPENCV  # noqa: E402  the models OpenCV DNN 4.6 cannot run


def target(model, engine):
    return MODEL_TARGET.get(model, TARGET).get(engine)


def median_of(results, model, threads, engine, key="times"):
    """The median over the runs, or None where the engine does not run the model."""
    v = results[(model, threads, engine)][key]
    return statistics.median(v) if v else None


def ratio(a, b):
    return a / b if a is not None and b is not None else None
MAX_ERROR = 1e-4  # docs/user-contract.md: EdgeFlow vs an independent engine


def log(msg):
    print(f"[single] {msg}", file=sys.stderr, flush=True)


def load_average():
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


def output_error(npy_path, ref_path):
    import numpy as np
    out = np.load(npy_path).astype(np.float64).ravel()
    ref = np.load(ref_path).astype(np.float64).ravel()
    return float(np.max(np.abs(out - ref)) / max(np.max(np.abs(ref)), 1e-30))


def edgeflow_env(direct=False):
    """EdgeFlow as a user runs it on one device: OpenMP's default waits (spin,
    then sleep), as ONNX Runtime's and OpenCV's own thread pools spin too.
    Passive waits (what run.sh sets for oversubscribed ranks) make every
    kernel wake its threads: 2x slower at 2 threads on mobilenet_v2."""
    env = dict(os.environ)
    env.pop("OMP_WAIT_POLICY", None)
    env.pop("EDGEFLOW_WINOGRAD", None)
    if direct:
        env["EDGEFLOW_WINOGRAD"] = "0"
    return env


def run_edgeflow(args, model, threads, warmup, repeat, direct=False):
    """Latency of build/edgeflow (one rank, no mpirun) per request; at one
    thread also the CPU time of its kernels per forward pass."""
    env = edgeflow_env(direct)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.jsonl")
        saved = os.path.join(tmp, "out.npy")
        cmd = [os.path.join(args.build, "edgeflow"), os.path.join(ZOO, model + ".onnx"),
               "--input", os.path.join(ZOO, model + ".input.npy"),
               "--repeat", str(warmup + repeat), "--threads", str(threads), "--quiet",
               "--json", out, "--save-output", saved]
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
        recs = [json.loads(l) for l in open(out)]
        times = [r["latency_ms"] for r in recs
                 if not r.get("summary") and "latency_ms" in r and r.get("repeat", 0) >= warmup]
        error = output_error(saved, os.path.join(ZOO, model + ".ref.npy"))
        cpu = []
        if threads == 1:
            js = os.path.join(tmp, "layers.jsonl")
            subprocess.run([os.path.join(args.build, "tests", "bench", "edgeflow_bench_slices"),
                            os.path.join(ZOO, model + ".onnx"), "--layers", "--cpu-time",
                            "--repeat", str(repeat), "--top", "0", "--json", js],
                           check=True, env=env, stdout=subprocess.DEVNULL)
            cpu = next(r["ms"] for r in map(json.loads, open(js)) if r["kind"] == "passes")
        return times, error, cpu


def run_driver(cmd, env=None):
    p = subprocess.run(cmd, check=True, env=env, stdout=subprocess.PIPE, text=True)
    d = json.loads(p.stdout.strip().splitlines()[-1])
    return d["times_ms"], d["error"], d.get("cpu_ms", [])


def run_opencv(args, model, threads, warmup, repeat):
    if model in NOT_FOR_OPENCV:
        return [], 0.0, []
    onnx = os.path.join(ZOO, model + ".opencv.onnx")
    if not os.path.exists(onnx):
        onnx = os.path.join(ZOO, model + ".onnx")
    return run_driver([os.path.join(args.build, "tests", "bench", "edgeflow_bench_opencv"), onnx,
                       os.path.join(ZOO, model + ".input.npy"), "--threads", str(threads),
                       "--warmup", str(warmup), "--repeat", str(repeat),
                       "--ref", os.path.join(ZOO, model + ".ref.npy")])


def run_ort(args, model, threads, warmup, repeat):
    env = dict(os.environ, NODE_PATH=args.ort)
    return run_driver(["node", os.path.join(HERE, "ort_bench.js"), os.path.join(ZOO, model + ".onnx"),
                       os.path.join(ZOO, model + ".input.npy"), "--threads", str(threads),
                       "--warmup", str(warmup), "--repeat", str(repeat),
                       "--ref", os.path.join(ZOO, model + ".ref.npy")], env)


def run_edgeflow_direct(args, model, threads, warmup, repeat):
    return run_edgeflow(args, model, threads, warmup, repeat, direct=True)


RUNNERS = {"edgeflow": run_edgeflow, DIRECT: run_edgeflow_direct, "opencv": run_opencv,
           "onnxruntime": run_ort}


def fmt_ratio(r, goal):
    if r is None:
        return "—"
    mark = "" if goal is None or r <= goal else " **miss**"
    return f"{r:.2f}{mark}"


def fmt_ms(v):
    return "—" if v is None else f"{v:.2f}"


def make_table(results, models, threads_list, engines):
    direct = DIRECT in engines
    head = "| model | threads | EdgeFlow ms |"
    head += " EdgeFlow, direct only ms |" if direct else ""
    head += " OpenCV DNN ms | ONNX Runtime ms | EdgeFlow / OpenCV (<= 0.8) | EdgeFlow / ORT (<= 1.0) |"
    head += " direct only / OpenCV | direct only / ORT |" if direct else ""
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for model in models:
        for t in threads_list:
            med = {e: median_of(results, model, t, e) for e in engines}
            row = f"| {model} | {t} | {fmt_ms(med['edgeflow'])} |"
            row += f" {fmt_ms(med[DIRECT])} |" if direct else ""
            row += (f" {fmt_ms(med['opencv'])} | {fmt_ms(med['onnxruntime'])} | "
                    f"{fmt_ratio(ratio(med['edgeflow'], med['opencv']), target(model, 'opencv'))} | "
                    f"{fmt_ratio(ratio(med['edgeflow'], med['onnxruntime']), target(model, 'onnxruntime'))} |")
            if direct:
                row += (f" {fmt_ratio(ratio(med[DIRECT], med['opencv']), target(model, 'opencv'))} | "
                        f"{fmt_ratio(ratio(med[DIRECT], med['onnxruntime']), target(model, 'onnxruntime'))} |")
            lines.append(row)
    return "\n".join(lines)


def make_cpu_table(results, models, engines):
    """One thread: CPU time per inference, which a busy machine disturbs less
    than latency (EdgeFlow: its kernels in forward passes, edgeflow_bench_slices
    --layers --cpu-time; the others: the process's CPU time around each run)."""
    cols = [e for e in engines]
    lines = ["One thread, CPU time per inference (ms; less disturbed by other load than "
             "latency; EdgeFlow's is its kernels' time in forward passes):", "",
             "| model | " + " | ".join(LABELS[e] for e in cols) +
             " | EdgeFlow / OpenCV | EdgeFlow / ORT |" +
             (" direct only / ORT |" if DIRECT in cols else ""),
             "|" + "---|" * (len(cols) + 3 + (1 if DIRECT in cols else 0))]
    for m in models:
        med = {e: median_of(results, m, 1, e, "cpu") for e in cols}
        row = f"| {m} | " + " | ".join(fmt_ms(med[e]) for e in cols)
        row += (f" | {fmt_ratio(ratio(med['edgeflow'], med['opencv']), None)} | "
                f"{fmt_ratio(ratio(med['edgeflow'], med['onnxruntime']), None)} |")
        if DIRECT in cols:
            row += f" {fmt_ratio(ratio(med[DIRECT], med['onnxruntime']), None)} |"
        lines.append(row)
    return "\n".join(lines)


def make_plot(results, models, threads_list, engines, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(threads_list), figsize=(6.5 * len(threads_list), 4.8),
                             squeeze=False)
    colors = {"edgeflow": "#1f77b4", DIRECT: "#9ecae1", "opencv": "#ff7f0e",
              "onnxruntime": "#2ca02c"}
    width = 0.8 / len(engines)
    for ax, t in zip(axes[0], threads_list):
        for k, e in enumerate(engines):
            ys = [ratio(median_of(results, m, t, e), median_of(results, m, t, "onnxruntime")) or 0.0
                  for m in models]
            ax.bar([i + (k - (len(engines) - 1) / 2) * width for i in range(len(models))], ys,
                   width, label=LABELS[e], color=colors[e])
        ax.axhline(1.0, color="#2ca02c", lw=0.8, ls="--")
        ax.set_xticks(range(len(models)))
        ax.set_xticklabels(models, rotation=30, ha="right")
        ax.set_ylabel("median latency / ONNX Runtime's")
        ax.set_title(f"{t} thread{'s' if t > 1 else ''}")
        ax.legend(fontsize=8)
    fig.suptitle("Single-device latency, relative to ONNX Runtime (lower is better)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def ef_op(label):
    """EdgeFlow's op label (edgeflow_bench_slices) as a row of the breakdown."""
    if label.startswith("Conv"):
        return "Conv (with fused BN, activation)"
    return {"Pool": "MaxPool / AveragePool"}.get(label, label)


def ort_op(op):
    if op in ("Conv", "FusedConv"):
        return "Conv (with fused BN, activation)"
    if op in ("MaxPool", "AveragePool"):
        return "MaxPool / AveragePool"
    if op in ("ReorderInput", "ReorderOutput"):
        return "layout reorders"
    if op in ("Sum",):
        return "Add"
    if op in ("FusedGemm",):
        return "Gemm"
    return op


def layer_key(op_family, out, kernel):
    return (op_family, tuple(out), tuple(kernel))


def ef_layer_key(r):
    """(family, output dims, kernel) of an EdgeFlow layer record: 'Conv 3x3/2 g96'."""
    label = r["op"]
    kernel = ()
    if label.startswith("Conv"):
        kernel = tuple(int(k) for k in label.split()[1].split("/")[0].split("x"))
    return layer_key(ef_op(label), [int(d) for d in r["out"].split("x")], kernel)


def ort_layer_key(n):
    kernel = tuple(n["weight"][2:4]) if n["op"] in ("Conv", "FusedConv") else ()
    return layer_key(ort_op(n["op"]), n["out"], kernel)


def layer_table(ef_layers, ort_nodes, top=12):
    """EdgeFlow's layers beside ONNX Runtime's nodes of the same op, output
    shape and kernel (in order of appearance), the largest differences first;
    then what has no counterpart (fused on one side only, or ORT's reorders)."""
    pending = {}
    for n in ort_nodes:
        pending.setdefault(ort_layer_key(n), []).append(n)
    pairs, ef_only = [], []
    for r in ef_layers:
        queue = pending.get(ef_layer_key(r))
        if queue:
            pairs.append((r, queue.pop(0)))
        else:
            ef_only.append(r)
    ort_only = [n for queue in pending.values() for n in queue]
    pairs.sort(key=lambda p: -abs(p[0]["ms"] - p[1]["ms"]))
    md = ["| layer | op | output | EdgeFlow ms | ONNX Runtime ms | difference ms |",
          "|---|---|---|---|---|---|"]
    for r, n in pairs[:top]:
        md.append(f"| {r['node']} | {r['op']} | {r['out']} | {r['ms']:.3f} | {n['ms']:.3f} | "
                  f"{r['ms'] - n['ms']:+.3f} |")
    matched = sum(r["ms"] - n["ms"] for r, n in pairs)
    md.append(f"\n{len(pairs)} layers matched, EdgeFlow {matched:+.2f} ms over them in all; "
              f"without a counterpart: EdgeFlow {sum(r['ms'] for r in ef_only):.2f} ms "
              f"({len(ef_only)} layers), ONNX Runtime {sum(n['ms'] for n in ort_only):.2f} ms "
              f"({', '.join(sorted(set(n['op'] for n in ort_only))) or 'none'}).\n")
    return "\n".join(md)


def explain(args, out_dir, misses):
    """Per op type, EdgeFlow's layer times (in forward passes) beside ONNX
    Runtime's own profile, for each (model, threads) that missed a target."""
    md = ["Where the time goes, per op type: EdgeFlow's layers timed inside forward "
          "passes (edgeflow_bench_slices --layers) beside ONNX Runtime's profiler "
          "(median kernel time per node, summed). Sums are below the end-to-end "
          "medians: both leave out what happens between layers.\n"]
    env = edgeflow_env()
    for model, t in misses:
        js = os.path.join(out_dir, f"layers-{model}-t{t}.jsonl")
        subprocess.run(
            [os.path.join(args.build, "tests", "bench", "edgeflow_bench_slices"),
             os.path.join(ZOO, model + ".onnx"), "--layers", "--threads", str(t), "--repeat", "20",
             "--top", "0", "--json", js], check=True, env=env, stdout=subprocess.DEVNULL)
        ef = {}
        ef_layers = [r for r in map(json.loads, open(js)) if r["kind"] == "layer"]
        for r in ef_layers:
            ef[ef_op(r["op"])] = ef.get(ef_op(r["op"]), 0.0) + r["ms"]
        with tempfile.TemporaryDirectory() as tmp:
            d = json.loads(subprocess.run(
                ["node", os.path.join(HERE, "ort_bench.js"), os.path.join(ZOO, model + ".onnx"),
                 os.path.join(ZOO, model + ".input.npy"), "--threads", str(t), "--warmup", "3",
                 "--repeat", "20", "--profile", tmp], check=True, stdout=subprocess.PIPE,
                env=dict(os.environ, NODE_PATH=args.ort), text=True).stdout.strip().splitlines()[-1])
        ort = {}
        for op, ms in d["ops_ms"].items():
            ort[ort_op(op)] = ort.get(ort_op(op), 0.0) + ms
        ops = sorted(set(ef) | set(ort), key=lambda o: -max(ef.get(o, 0), ort.get(o, 0)))
        md.append(f"#### {model}, {t} thread{'s' if t > 1 else ''}\n")
        md.append("| op | EdgeFlow ms | ONNX Runtime ms | difference ms |\n|---|---|---|---|")
        for o in ops:
            md.append(f"| {o} | {ef.get(o, 0):.2f} | {ort.get(o, 0):.2f} | "
                      f"{ef.get(o, 0) - ort.get(o, 0):+.2f} |")
        md.append(f"| **sum** | {sum(ef.values()):.2f} | {sum(ort.values()):.2f} | "
                  f"{sum(ef.values()) - sum(ort.values()):+.2f} |\n")
        md.append("Layer by layer, the largest differences:\n\n" +
                  layer_table(ef_layers, d["nodes"]))
    with open(os.path.join(out_dir, "explain.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    return "\n".join(md)


def run_slices(args, out_dir, threads_list):
    """Per-row time against slice height for resnet50's layers."""
    md = []
    for t in threads_list:
        js = os.path.join(out_dir, f"slices-t{t}.jsonl")
        cmd = [os.path.join(args.build, "tests", "bench", "edgeflow_bench_slices"),
               os.path.join(ZOO, "resnet50.onnx"), "--slices", "--threads", str(t),
               "--repeat", str(3 if args.quick else 7), "--json", js]
        if t == 1:
            cmd.append("--cpu-time")  # one thread: its CPU time, steadier on a busy machine
        log(" ".join(cmd))
        env = edgeflow_env()
        md.append(subprocess.run(cmd, check=True, env=env, stdout=subprocess.PIPE,
                                 text=True).stdout)
    with open(os.path.join(out_dir, "slices.md"), "w") as f:
        f.write("\n".join(md))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6.5, 4.5))
        for t in threads_list:
            recs = [json.loads(l) for l in open(os.path.join(out_dir, f"slices-t{t}.jsonl"))]
            tot = [r for r in recs if r["kind"] == "slice_total"]
            ax.plot([r["h"] for r in tot], [r["ratio"] for r in tot], "o-",
                    label=f"all layers, {t} thread{'s' if t > 1 else ''}")
            by_op = {}
            for r in recs:
                if r["kind"] == "slice" and r["op"] in ("Conv 3x3", "Conv 1x1") and t == threads_list[0]:
                    by_op.setdefault(r["op"], {}).setdefault(r["h"], []).append(
                        (r["ms"] / r["h"]) / (r["whole_ms"] / r["H"]))
            for op, hs in sorted(by_op.items()):
                xs = sorted(hs)
                ax.plot(xs, [statistics.median(hs[h]) for h in xs], "x--", lw=0.8,
                        label=f"{op} layers (median), {t} thread{'s' if t > 1 else ''}")
        ax.set_xscale("log", base=2)
        ax.axhline(1.0, color="gray", lw=0.8)
        ax.set_xlabel("slice height h (rows of each layer's output)")
        ax.set_ylabel("time per row / whole layer's time per row")
        ax.set_title("resnet50: EdgeFlow time per row against slice height")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "slices.png"), dpi=110)
        plt.close(fig)
    except ImportError:
        log("no matplotlib: slices.png skipped")
    return threads_list, md


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer models, rounds and repeats")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--ort", default=os.path.join(ROOT, "build", "ort", "node_modules"))
    ap.add_argument("--models", help="comma-separated zoo models")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--repeat", type=int)
    ap.add_argument("--no-direct", action="store_true",
                    help="leave out the EdgeFlow, direct only column")
    ap.add_argument("--no-slices", action="store_true", help="skip the slice-height part")
    ap.add_argument("--no-explain", action="store_true",
                    help="skip the per-op breakdown of missed targets")
    ap.add_argument("--out", help="output directory (default BUILD/bench-single)")
    args = ap.parse_args()
    models = args.models.split(",") if args.models else (QUICK_MODELS if args.quick else MODELS)
    threads_list = [int(t) for t in args.threads.split(",")]
    rounds = args.rounds or (2 if args.quick else 3)
    repeat = args.repeat or (8 if args.quick else 20)
    warmup = 2 if args.quick else 3
    engines = ENGINES if args.no_direct else ["edgeflow", DIRECT, "opencv", "onnxruntime"]
    out_dir = args.out or os.path.join(args.build, "bench-single")
    os.makedirs(out_dir, exist_ok=True)

    load_before = load_average()
    t_start = time.time()
    results = {}
    raw = open(os.path.join(out_dir, "raw.jsonl"), "w")
    for model in models:
        for t in threads_list:
            for e in engines:
                results[(model, t, e)] = {"times": [], "error": 0.0, "cpu": []}
            for r in range(rounds):
                k = r % len(engines)
                for e in engines[k:] + engines[:k]:  # the order rotates each round
                    times, err, cpu = RUNNERS[e](args, model, t, warmup, repeat)
                    res = results[(model, t, e)]
                    res["times"] += times
                    res["cpu"] += cpu
                    res["error"] = max(res["error"], err)
                    raw.write(json.dumps({"model": model, "threads": t, "engine": e, "round": r,
                                          "error": err, "times_ms": times, "cpu_ms": cpu}) + "\n")
                    raw.flush()
            med = {e: median_of(results, model, t, e) for e in engines}
            log(f"{model} t={t}: " + ", ".join(f"{LABELS[e]} {fmt_ms(med[e])} ms" for e in engines) +
                f" (EdgeFlow / OpenCV {fmt_ratio(ratio(med['edgeflow'], med['opencv']), None)}, "
                f"/ ORT {fmt_ratio(ratio(med['edgeflow'], med['onnxruntime']), None)})")
    raw.close()

    table = make_table(results, models, threads_list, engines)
    bad = [(m, t, e, results[(m, t, e)]["error"]) for m in models for t in threads_list
           for e in engines if not (0 <= results[(m, t, e)]["error"] <= MAX_ERROR)]
    misses = [(m, t) for m in models for t in threads_list
              if any((ratio(median_of(results, m, t, "edgeflow"), median_of(results, m, t, e))
                      or 0.0) > goal for e, goal in MODEL_TARGET.get(m, TARGET).items())]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "?")
    header = (f"Command: `./run.sh bench single{' --quick' if args.quick else ''}`; {cpu}, "
              f"{os.cpu_count()} cores; {rounds} rounds x {repeat} timed inferences per engine "
              f"and setting (after {warmup} warm-up), engines interleaved, medians; "
              f"EdgeFlow with OpenMP's default waits; load average "
              f"{load_before} before, {load_average()} after; {time.time() - t_start:.0f} s.")
    worst = {e: max(results[(m, t, e)]["error"] for m in models for t in threads_list)
             for e in engines}
    errors = ("Largest output error against PyTorch (max |out - ref| / max |ref|): " +
              ", ".join(f"{LABELS[e]} {worst[e]:.1e}" for e in engines) + ".")
    verdict = ("Targets met (EdgeFlow <= 0.8x OpenCV DNN and <= 1.0x ONNX Runtime; "
               "ConvNeXt and ShuffleNet v2 <= 1.2x ONNX Runtime)." if not misses
               else f"Targets missed in {len(misses)} of {len(models) * len(threads_list)} "
                    "settings (marked **miss**).")
    md = "\n\n".join([header, table, errors, verdict])
    if 1 in threads_list:
        md += "\n\n" + make_cpu_table(results, models, engines)
    if bad:
        md += "\n\nOutputs off the reference: " + ", ".join(
            f"{m} t={t} {LABELS[e]} {err:.2g}" for m, t, e, err in bad)
    with open(os.path.join(out_dir, "single.md"), "w") as f:
        f.write(md + "\n")
    print(md, flush=True)
    try:
        make_plot(results, models, threads_list, engines, os.path.join(out_dir, "single.png"))
    except ImportError:
        log("no matplotlib: single.png skipped")
    if misses and not args.no_explain:
        log(f"explaining {len(misses)} miss(es): per-op breakdowns")
        print("\n" + explain(args, out_dir, misses), flush=True)
    if not args.no_slices:
        for t, text in zip(*run_slices(args, out_dir, [1] if args.quick else threads_list)):
            print(f"\nresnet50, {t} thread{'s' if t > 1 else ''}: " +
                  text[text.find("All row-sliced"):].strip(), flush=True)
    log(f"wrote {out_dir}/: single.md, single.png, explain.md, slices.md, slices.png, raw.jsonl")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
