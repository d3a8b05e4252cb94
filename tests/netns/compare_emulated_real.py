#!/usr/bin/env python3
"""Emulated links against real shaped TCP, for the same plan.

For each rate (Mbit/s) and policy, one model runs twice with the same plan:
  emulated: mpirun -np 4 on this host, --cluster with devices of speed SPEED on
            RATE Mbit/s links (latency LAT us each), shared-memory MPI below;
  real:     shaped_mpirun.sh --rate RATEmbit (one network namespace per device,
            tbf both ways, MPI over TCP), --cluster with the same speeds and
            links so fast that the emulation adds nothing (the namespaces'
            links carry the time).
The real run gets the emulated run's profile (its cache file under the real
run's key), so the partitioner makes the same plan from the same numbers; the
predicted latency printed by both runs is checked to be the same.
Reports the median latencies, their ratio and whether they agree within
--tolerance (default 10%). Needs root (network namespaces).

    compare_emulated_real.py [--model googlenet] [--rates 100,10]
                             [--policies equal,edgeflow] [--repeat 6]
"""
import argparse, json, os, re, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ZOO = os.path.join(ROOT, "models", "zoo")
SHAPED = os.path.join(HERE, "shaped_mpirun.sh")
ENV = dict(os.environ, OMP_WAIT_POLICY="passive", OMPI_ALLOW_RUN_AS_ROOT="1",
           OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def cluster_text(speed, mbps, latency_us, n=4):
    return "".join(f'devices {{ name: "dev{i}" speed: {speed} bandwidth_mbps: {mbps} '
                   f'latency_us: {latency_us} }}\n' for i in range(n))


def edgeflow_args(args, model, cluster, policy, profile, js, trace=None):
    a = [args.bin, os.path.join(ZOO, model + ".onnx"), "--input",
         os.path.join(ZOO, model + ".input.npy"), "--cluster", cluster, "--partitioner", policy,
         "--profile-cache", profile, "--repeat", str(args.repeat + 1), "--quiet", "--json", js,
         "--timeout", "120"]
    return a + (["--trace", trace] if trace else [])


def run(cmd, log, nice):
    if nice:
        cmd = ["nice", "-n", str(nice)] + cmd
    log.write("$ " + " ".join(cmd) + "\n")
    log.flush()
    p = subprocess.run(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log.write(p.stdout + f"(exit {p.returncode})\n")
    log.flush()
    return p.returncode, p.stdout


def summary(js):
    records = [json.loads(l) for l in open(js)] if os.path.exists(js) else []
    s = next((r for r in records if r.get("summary")), None)
    lat = [r["latency_ms"] for r in records if not r.get("summary") and "latency_ms" in r][1:]
    return s, lat


def rekey(src, dst, cluster_file):
    """The profile in `src`, under the key a run with `cluster_file` looks for."""
    text = open(src).read()
    with open(cluster_file) as f:
        emu = f.read().replace("\n", " ").replace(";", " ")
    emu = emu.replace("\\", "\\\\").replace('"', '\\"')
    text, n = re.subn(r'^(key: ".*;emulation=).*"$', lambda m: m.group(1) + emu + '"', text,
                      count=1, flags=re.M)
    if n != 1:
        sys.exit(f"{src}: no profile key to rewrite")
    open(dst, "w").write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--model", default="googlenet")
    ap.add_argument("--rates", default="100,10", help="Mbit/s, comma-separated")
    ap.add_argument("--policies", default="equal,edgeflow")
    ap.add_argument("--speed", type=float, default=0.125)
    ap.add_argument("--latency-us", type=float, default=0.0,
                    help="emulated latency per device (the namespaces add none: no netem)")
    ap.add_argument("--repeat", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=2, help="emulated/real pairs, alternating")
    ap.add_argument("--tolerance", type=float, default=0.10)
    ap.add_argument("--real-mca", default="",
                    help="more mpirun options for the real side, e.g. \"--mca btl_tcp_eager_limit "
                         "8388608\" (shaped_mpirun.sh --mca-extra)")
    ap.add_argument("--nice", type=int, default=-20,
                    help="both runs under nice -n NICE (0: off), as cluster_bench.py does")
    ap.add_argument("--bin", default=os.environ.get("EDGEFLOW_BIN",
                                                    os.path.join(ROOT, "build", "edgeflow")))
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "netns-compare"))
    ap.add_argument("--traces", action="store_true", help="keep a trace of every run in --out")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("compare_emulated_real.py: needs root (network namespaces)")
    args.bin = os.path.abspath(args.bin)
    os.makedirs(args.out, exist_ok=True)
    log = open(os.path.join(args.out, "runs.log"), "w")
    rows, ok_all = [], True
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        real_cluster = os.path.join(tmp, "real.txtpb")
        open(real_cluster, "w").write(cluster_text(args.speed, 1e6, 0))
        for rate in [int(r) for r in args.rates.split(",")]:
            emu_cluster = os.path.join(tmp, f"emu{rate}.txtpb")
            open(emu_cluster, "w").write(cluster_text(args.speed, rate, args.latency_us))
            emu_prof = os.path.join(tmp, f"emu{rate}.profile.txtpb")
            real_prof = os.path.join(tmp, f"real{rate}.profile.txtpb")
            for policy in args.policies.split(","):
                res = {"emulated": [], "real": []}
                pred = {}
                for rnd in range(args.rounds):
                    for kind in ("emulated", "real"):
                        js = os.path.join(tmp, f"{kind}.jsonl")
                        if os.path.exists(js):
                            os.remove(js)
                        trace = os.path.join(args.out, f"{args.model}.{rate}mbit.{policy}.{kind}"
                                             f".trace.json") if args.traces else None
                        if kind == "emulated":
                            cmd = ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", "4"] + \
                                  edgeflow_args(args, args.model, emu_cluster, policy, emu_prof,
                                                js, trace)
                        else:
                            if os.path.exists(emu_prof):
                                rekey(emu_prof, real_prof, real_cluster)
                            cmd = [SHAPED, "--rate", f"{rate}mbit"] + \
                                  (["--mca-extra", args.real_mca] if args.real_mca else []) + \
                                  ["--"] + \
                                  edgeflow_args(args, args.model, real_cluster, policy, real_prof,
                                                js, trace)
                        rc, out = run(cmd, log, args.nice)
                        s, lat = summary(js)
                        if rc != 0 or s is None:
                            print(f"{rate} Mbit/s {policy} {kind}: FAILED (exit {rc}); see "
                                  f"{args.out}/runs.log", flush=True)
                            ok_all = False
                            continue
                        res[kind] += lat
                        pred.setdefault(kind, s.get("predicted_latency_ms"))
                em, re_ = (statistics.median(res[k]) if res[k] else float("nan")
                           for k in ("emulated", "real"))
                ratio = re_ / em if em == em and em > 0 else float("nan")
                agree = abs(ratio - 1) <= args.tolerance
                same_plan = pred.get("emulated") == pred.get("real")
                ok_all &= agree
                rows.append((rate, policy, em, re_, ratio, agree, pred.get("emulated"),
                             pred.get("real"), same_plan, len(res["emulated"]), len(res["real"])))
                print(f"{rate:4d} Mbit/s {policy:10s} emulated {em:8.1f} ms  real {re_:8.1f} ms  "
                      f"real/emulated {ratio:.3f}  {'ok' if agree else 'DIFFER'}"
                      f"{'' if same_plan else '  (plans differ: predicted ' + str(pred) + ')'}",
                      flush=True)
    lines = [f"# Emulated vs real shaped TCP ({args.model}, speed {args.speed}, "
             f"emulated latency {args.latency_us:g} us/device"
             f"{', real side: ' + args.real_mca if args.real_mca else ''})", "",
             f"{time.strftime('%Y-%m-%d %H:%M')}, load average {load0:.1f} at the start, "
             f"{os.getloadavg()[0]:.1f} at the end; medians over {args.rounds} x {args.repeat} "
             f"requests per side; nice {args.nice}.", "",
             "| Mbit/s | policy | emulated ms | real ms | real / emulated | within "
             f"{100 * args.tolerance:.0f}% | predicted ms | same plan | requests |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r[0]} | {r[1]} | {r[2]:.1f} | {r[3]:.1f} | {r[4]:.3f} | "
                     f"{'yes' if r[5] else 'no'} | {r[6] if r[6] is None else round(r[6], 1)} | "
                     f"{'yes' if r[8] else 'no'} | {r[9]} / {r[10]} |")
    text = "\n".join(lines)
    open(os.path.join(args.out, "compare.md"), "w").write(text + "\n")
    print("\n" + text + f"\n\n(written to {args.out}/compare.md)")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
