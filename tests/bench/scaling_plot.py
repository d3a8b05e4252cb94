#!/usr/bin/python3
"""Draws what edgeflow_scaling_bench printed (JSON Lines): per model and link
bandwidth, the predicted speedup of each set of plan kinds against the device
count, the pipelined throughput speedup of all kinds together, and the ideal
line; writes scaling.png and scaling.md beside the records.

    scaling_plot.py RECORDS.jsonl OUT_DIR
"""
import json, os, sys
from collections import defaultdict


def label(kinds):
    return "all kinds" if kinds == "rows,halo,fused,features,branches" else kinds.replace(",", "+")


def bw_label(bits):
    return f"{bits / 1e9:g} Gbit/s" if bits >= 1e9 else f"{bits / 1e6:g} Mbit/s"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    records = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    out = sys.argv[2]
    cells = defaultdict(list)  # (model, bandwidth) -> records
    for r in records:
        cells[(r["model"], r["bandwidth_bits_per_s"])].append(r)
    models = sorted({m for m, _ in cells}, key=lambda m: [r["model"] for r in records].index(m))
    bws = sorted({b for _, b in cells}, reverse=True)

    lines = ["# Predicted speedup against device count (synthetic equal devices)", "",
             "Latency speedup of one request (single device = 1), per set of plan kinds; "
             "`pipelined` is the throughput bound of all kinds with requests in flight.", ""]
    for (model, bw), rs in cells.items():
        kinds = list(dict.fromkeys(r["kinds"] for r in rs))
        devices = sorted({r["devices"] for r in rs})
        lines += [f"## {model}, {bw_label(bw)}", "",
                  "| devices | " + " | ".join(label(k) for k in kinds) + " | pipelined |",
                  "|---|" + "---|" * (len(kinds) + 1)]
        for d in devices:
            by = {r["kinds"]: r for r in rs if r["devices"] == d}
            row = [f"{by[k]['speedup']:.2f}" if k in by else "-" for k in kinds]
            allk = by.get("rows,halo,fused,features,branches")
            row.append(f"{allk['throughput_speedup']:.2f}" if allk else "-")
            lines.append(f"| {d} | " + " | ".join(row) + " |")
        lines.append("")
    with open(os.path.join(out, "scaling.md"), "w") as f:
        f.write("\n".join(lines) + "\n")

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("scaling_plot.py: no matplotlib; wrote scaling.md only", file=sys.stderr)
        return
    fig, axes = plt.subplots(len(bws), len(models), figsize=(4.2 * len(models), 3.6 * len(bws)),
                             squeeze=False, sharex=True)
    for j, model in enumerate(models):
        for i, bw in enumerate(bws):
            ax = axes[i][j]
            rs = cells.get((model, bw), [])
            devices = sorted({r["devices"] for r in rs})
            for k in dict.fromkeys(r["kinds"] for r in rs):
                pts = sorted((r["devices"], r["speedup"]) for r in rs if r["kinds"] == k)
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=3,
                        lw=2.2 if label(k) == "all kinds" else 1.2, label=label(k))
            pts = sorted((r["devices"], r["throughput_speedup"]) for r in rs
                         if r["kinds"] == "rows,halo,fused,features,branches")
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], "k--", lw=1.2,
                        label="pipelined throughput (all kinds)")
            if devices:
                ax.plot(devices, devices, ":", color="grey", lw=1, label="ideal")
            ax.set_xscale("log", base=2)
            ax.set_yscale("log", base=2)
            ax.set_title(f"{model}, {bw_label(bw)}", fontsize=10)
            ax.grid(True, which="both", alpha=0.3)
            if i == len(bws) - 1:
                ax.set_xlabel("devices")
            if j == 0:
                ax.set_ylabel("predicted speedup")
    axes[0][0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    path = os.path.join(out, "scaling.png")
    fig.savefig(path, dpi=110)
    print(path)


if __name__ == "__main__":
    main()
