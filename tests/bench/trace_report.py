#!/usr/bin/env python3
"""Where the time of a run goes: a --trace (Chrome trace JSON) held against the
plan's prediction (--plan-only --json, same profile cache, same policy).

For one request (default: the one with the median latency) and each rank, the
units in the order they ran, each with

    compute over = measured duration - predicted duration
    wait over    = (measured gap before it) - (predicted gap before it)

where the gap is the time since the rank's previous unit finished (since the
request started for its first unit). The two add up, unit by unit, to how far
the rank's last unit ends after its predicted end: compute over is the
profile's error (or a slow, loaded machine), wait over is input that arrived
later than predicted (links, polling, or a late sender upstream).

    trace_report.py TRACE.json PLAN.jsonl [--request N] [--top K]

(default request: the median latency among all but the first, a warm-up).
"""
import argparse, collections, json, re, statistics, sys

UNIT = re.compile(r"^(.*) rows \[(\d+), (\d+)\)$")


def load_trace(path):
    data = json.load(open(path))
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_request = collections.defaultdict(list)
    for e in events:
        if e.get("ph") != "X":
            continue
        by_request[e["args"]["request"]].append(e)
    return by_request


def load_plan(path):
    for line in open(path):
        rec = json.loads(line)
        if rec.get("plan"):
            return rec
    sys.exit(f"{path}: no plan record (run with --plan-only --json)")


def analyse(events, plan, top):
    layers = {l["name"]: l for l in plan["layers"]}
    t0 = min(e["ts"] for e in events)
    units = collections.defaultdict(list)
    sends = collections.defaultdict(float)
    recv_wait = collections.defaultdict(float)
    # A layer's units on a rank (several for a halo-first layer) count as one:
    # from the first one's start to the last one's end, the plan's prediction
    # for (layer, rank); its compute is the sum of theirs.
    spans = {}
    for e in events:
        if e["cat"] == "compute":
            m = UNIT.match(e["name"])
            name = m.group(1) if m else e["name"]
            start, end = e["ts"] - t0, e["ts"] - t0 + e["dur"]
            s = spans.setdefault((e["tid"], name), [start, end, 0.0])
            s[0], s[1], s[2] = min(s[0], start), max(s[1], end), s[2] + e["dur"]
        elif e["cat"] == "send":
            sends[e["tid"]] += e["dur"]
        elif e["cat"] == "recv":
            recv_wait[e["tid"]] += e["dur"]
    for (rank, name), (start, end, busy) in spans.items():
        units[rank].append((start, end - start, busy, name))
    end = max(ts + d for r in units.values() for ts, d, _, _ in r) / 1e3
    out = [f"measured latency {end:.2f} ms (trace), predicted {plan['latency_ms']:.2f} ms "
           f"({(end / plan['latency_ms'] - 1) * 100:+.1f}%)", ""]
    out.append("| rank | units | compute ms measured | predicted | compute over ms | "
               "wait over ms | ends late by ms |")
    out.append("|---|---|---|---|---|---|---|")
    worst = []
    for rank in sorted(units):
        rows = sorted(units[rank])
        prev_m = prev_p = 0.0
        comp_m = comp_p = over_c = over_w = 0.0
        for ts, dur, busy, name in rows:
            layer = layers.get(name)
            if layer is None or layer["start_ms"][rank] is None:
                continue
            ps, pf = layer["start_ms"][rank], layer["finish_ms"][rank]
            ms, mf = ts / 1e3, (ts + dur) / 1e3
            dc = busy / 1e3 - (pf - ps)
            dw = (ms - prev_m) - (ps - prev_p)
            comp_m += busy / 1e3
            comp_p += pf - ps
            over_c += dc
            over_w += dw
            worst.append((dw, "wait", rank, name, ms, ps))
            worst.append((dc, "compute", rank, name, mf - ms, pf - ps))
            prev_m, prev_p = mf, pf
        out.append(f"| {rank} | {len(rows)} | {comp_m:.2f} | {comp_p:.2f} | {over_c:+.2f} | "
                   f"{over_w:+.2f} | {prev_m - prev_p:+.2f} |")
    out += ["", f"largest single losses (top {top}):",
            "| over ms | kind | rank | layer | measured | predicted |", "|---|---|---|---|---|---|"]
    for d, kind, rank, name, m, p in sorted(worst, reverse=True)[:top]:
        what = "start" if kind == "wait" else "duration"
        out.append(f"| {d:+.2f} | {kind} | {rank} | {name} | {what} {m:.2f} | {p:.2f} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trace")
    ap.add_argument("plan")
    ap.add_argument("--request", type=int, default=None)
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args()
    by_request = load_trace(args.trace)
    plan = load_plan(args.plan)
    if args.request is None:
        span = {r: max(e["ts"] + e["dur"] for e in ev) - min(e["ts"] for e in ev)
                for r, ev in by_request.items() if r > 0 or len(by_request) == 1}  # 0: warm-up
        med = statistics.median_low(sorted(span.values()))
        args.request = next(r for r, s in span.items() if s == med)
    if args.request not in by_request:
        sys.exit(f"no request {args.request} in the trace")
    print(f"request {args.request}:")
    print(analyse(by_request[args.request], plan, args.top))


if __name__ == "__main__":
    sys.exit(main())
