#!/usr/bin/python3
"""Batch jobs through the real program, as a user runs them (docs/user-contract.md).

    batch_test.py CASE EDGEFLOW MAKE_IMAGES MODEL

CASE is one of:
  outputs_accuracy  50 OpenCV-drawn images (6 broken) at np = 3, --inflight 4:
                    every output equals the np = 1 output (1e-5), records in
                    input order, the broken ones recorded and counted, top-1 /
                    top-5 accuracy against a ground-truth CSV made from the
                    np = 1 answers to a known result
  folders_failfast  classes from class-named folders with --labels; --fail-fast
                    stops at the first broken image (exit 1, records before it)
  sigusr1_resume    SIGUSR1 mid-run: exit 130, a valid JSONL whose records are a
                    prefix of the inputs; --resume completes it, no image twice
  kill_resume       SIGINT to mpirun mid-run (the ranks are killed) and a last
                    line cut short: --resume completes it, no image twice
  singleton_sigint  one rank without mpirun: SIGINT stops gracefully (exit 130)
  progress          the progress bar on stderr; --quiet silences it
Needs numpy (python3-numpy); nothing else outside the standard library.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".bmp", ".ppm", ".pgm", ".tif", ".tiff", ".webp")
ENV = dict(os.environ, OMP_WAIT_POLICY="passive", OMP_NUM_THREADS="1",
           OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
# A slow emulated cluster, so that a signal lands mid-run.
SLOW = 'devices {{ name: "slow{0}" speed: 0.1 bandwidth_mbps: 1000 latency_us: 100 }}\n'


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


def command(edgeflow, np_, model, args):
    base = [edgeflow, model] + args
    if np_ is None:  # a singleton run, no mpirun
        return base
    return ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", str(np_)] + base + \
        ["--threads", "1"]


def run(edgeflow, np_, model, args, timeout=600):
    cmd = command(edgeflow, np_, model, args)
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    print(f"  exit {p.returncode}; stdout {len(out.splitlines())} lines; stderr:")
    for line in err.splitlines()[:12]:
        print("  | " + line.replace("\r", "\\r"))
    return p.returncode, out, err


def read_jsonl(path):
    """Every line must be a whole JSON object."""
    with open(path, "rb") as f:
        data = f.read().decode()
    check(data.endswith("\n"), f"{path}: the last line is not ended")
    return [json.loads(line) for line in data.splitlines()]


def split(records):
    """(request records, summary records)."""
    return [r for r in records if not r.get("summary")], [r for r in records if r.get("summary")]


def expected_inputs(images):
    found = []
    for root, _, files in os.walk(images):
        found += [os.path.join(root, f) for f in files if f.lower().endswith(IMAGE_EXTS)]
    return sorted(found, key=lambda p: p.encode())


def make_set(make_images, tmp):
    subprocess.run([make_images, tmp, "50"], check=True)
    images = os.path.join(tmp, "images")
    broken = set(open(os.path.join(tmp, "broken.txt")).read().split("\n")) - {""}
    inputs = expected_inputs(images)
    check(len(inputs) == 50, f"the image set has {len(inputs)} files, not 50")
    check(broken <= set(inputs), "broken files missing from the set")
    return images, broken, inputs


def check_order(recs, inputs, complete):
    """Records in input order: index 0, 1, ... with the inputs' paths."""
    idx = [r["index"] for r in recs]
    check(idx == list(range(len(recs))), f"records not in input order: {idx}")
    check([r["input"] for r in recs] == inputs[:len(recs)], "record paths differ from the inputs")
    if complete:
        check(len(recs) == len(inputs), f"{len(recs)} records for {len(inputs)} inputs")


def check_errors(recs, broken):
    failed = {r["input"] for r in recs if "error" in r}
    check(failed == broken & {r["input"] for r in recs},
          f"error records {sorted(failed)} differ from the broken files {sorted(broken)}")
    for r in recs:
        if "error" in r:
            check(r["input"] in r["error"], f"the error does not name its file: {r['error']}")
        else:
            check(len(r["top"]) == 5 and r["latency_ms"] > 0, f"incomplete record {r}")


def rel_error(a, b):
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-30))


def npy_for(out_dir, images, path):
    return os.path.join(out_dir, os.path.relpath(path, images) + ".npy")


# ---- cases ------------------------------------------------------------------------------------

def case_outputs_accuracy(edgeflow, make_images, model, tmp):
    images, broken, inputs = make_set(make_images, tmp)
    a_json, b_json = os.path.join(tmp, "np1.jsonl"), os.path.join(tmp, "np3.jsonl")
    a_out, b_out = os.path.join(tmp, "out1"), os.path.join(tmp, "out3")
    rc, _, _ = run(edgeflow, None, model, ["-i", images, "--json", a_json, "--save-output",
                                           a_out, "--quiet"])
    check(rc == 0, f"np = 1 exit status {rc}")
    ref, _ = split(read_jsonl(a_json))
    check_order(ref, inputs, True)
    check_errors(ref, broken)

    # A ground truth made to a known answer: of the images that run, every third gets its
    # top-1 class, the next its third-ranked class (top-5 only), the next a class outside its
    # top 5 (a miss); every seventh has no row. Paths are written three ways.
    rows, want = ["path,label"], {}
    labelled = top1 = top5 = 0
    for k, r in enumerate(ref):
        if "error" in r:
            if k % 2:
                rows.append(f"{r['input']},5")  # broken images may have rows: not counted
            continue
        if k % 7 == 6:
            continue
        classes = [t["class"] for t in r["top"]]
        kind = k % 3
        truth = classes[0] if kind == 0 else classes[2] if kind == 1 else \
            next(c for c in range(1000) if c not in classes)
        labelled += 1
        top1 += kind == 0
        top5 += kind != 2
        want[r["input"]] = (truth, kind == 0, kind != 2)
        rel = os.path.relpath(r["input"], images)
        path = [os.path.relpath(r["input"], tmp), rel, r["input"]][k % 3]
        rows.append(f"{path},{truth}")
    gt = os.path.join(tmp, "truth.csv")
    with open(gt, "w") as f:
        f.write("\n".join(rows) + "\n")

    rc, _, err = run(edgeflow, 3, model, ["-i", images, "--inflight", "4", "--json", b_json,
                                          "--save-output", b_out, "--ground-truth", gt,
                                          "--quiet"])
    check(rc == 0, f"np = 3 exit status {rc} (a batch with bad images still succeeds)")
    check("edgeflow: error" not in err, "an error line in a successful batch")
    recs, summaries = split(read_jsonl(b_json))
    check(len(summaries) == 1, "not exactly one summary record")
    check(read_jsonl(b_json)[-1].get("summary") is True, "the summary is not the last record")
    check_order(recs, inputs, True)
    check_errors(recs, broken)
    s = summaries[0]
    check(s["count"] == 50 and s["errors"] == len(broken),
          f"summary count {s['count']} errors {s['errors']}, expected 50 and {len(broken)}")
    worst = 0.0
    for r, q in zip(recs, ref):
        if "error" in r:
            continue
        a = np.load(npy_for(a_out, images, r["input"]))
        b = np.load(npy_for(b_out, images, r["input"]))
        worst = max(worst, rel_error(b, a))
        check([t["class"] for t in r["top"]] == [t["class"] for t in q["top"]],
              f"{r['input']}: top-5 differs from np = 1")
        if r["input"] in want:
            truth, c1, c5 = want[r["input"]]
            check((r.get("truth"), r.get("correct_top1"), r.get("correct_top5")) == (truth, c1, c5),
                  f"{r['input']}: truth/correct {r.get('truth')} {r.get('correct_top1')} "
                  f"{r.get('correct_top5')}, expected {truth} {c1} {c5}")
        else:
            check("truth" not in r, f"{r['input']}: a truth without a row")
    check(worst <= 1e-5, f"np = 3 differs from np = 1 by {worst:.3g} (bound 1e-5)")
    acc = s.get("accuracy")
    check(acc is not None, "no accuracy in the summary")
    check(acc["labelled"] == labelled, f"labelled {acc['labelled']}, expected {labelled}")
    check(abs(acc["top1"] - top1 / labelled) < 1e-12 and abs(acc["top5"] - top5 / labelled) < 1e-12,
          f"accuracy {acc}, expected top1 {top1}/{labelled} top5 {top5}/{labelled}")
    for key in ("p50", "p95", "p99"):
        check(s["latency_ms"][key] > 0, f"latency {key} missing")
    check(s["images_per_s"] > 0 and s["bytes_moved_per_image"] > 0, "throughput or bytes missing")
    check(len(s["busy_s_per_rank"]) == 3, "busy time per rank missing")
    layers = s.get("layers", [])
    check(layers and all(l["layer"] and l["ms_per_request"] >= 0 for l in layers),
          "per-layer kernel time missing")
    # The layers' kernel time is the ranks' kernel time, split by layer.
    per_request = sum(s["busy_s_per_rank"]) * 1e3 / (s["count_this_run"] - s["errors"])
    check(abs(sum(l["ms_per_request"] for l in layers) - per_request) <= 1e-6 * per_request,
          f"layers sum to {sum(l['ms_per_request'] for l in layers)} ms per request, the ranks' "
          f"kernel time to {per_request}")
    print(f"ok: 44 outputs equal np = 1 (max {worst:.2g}), order, {len(broken)} errors, "
          f"accuracy top-1 {top1}/{labelled} top-5 {top5}/{labelled}")


def case_folders_failfast(edgeflow, make_images, model, tmp):
    images, broken, inputs = make_set(make_images, tmp)
    labels = open(os.path.join(tmp, "labels.txt")).read().splitlines()
    out = os.path.join(tmp, "folders.jsonl")
    rc, stdout, _ = run(edgeflow, 3, model, ["-i", images, "--inflight", "4", "--json", out,
                                             "--labels", os.path.join(tmp, "labels.txt")])
    check(rc == 0, f"exit status {rc}")
    recs, summaries = split(read_jsonl(out))
    check_order(recs, inputs, True)
    ok = [r for r in recs if "error" not in r]
    for r in ok:
        folder = os.path.basename(os.path.dirname(r["input"]))
        check(r.get("truth") == labels.index(folder), f"{r['input']}: truth {r.get('truth')}")
        check(r["correct_top1"] == (r["top"][0]["class"] == r["truth"]), "top-1 flag wrong")
        check(r["correct_top5"] == (r["truth"] in [t["class"] for t in r["top"]]), "top-5 flag")
        check(all("label" in t for t in r["top"]), "labels missing from the top classes")
    acc = summaries[0]["accuracy"]
    check(acc["labelled"] == len(ok), f"labelled {acc['labelled']}, expected {len(ok)}")
    check(abs(acc["top1"] - sum(r["correct_top1"] for r in ok) / len(ok)) < 1e-12, "top-1 rate")
    check(abs(acc["top5"] - sum(r["correct_top5"] for r in ok) / len(ok)) < 1e-12, "top-5 rate")
    check(sum(1 for l in stdout.splitlines() if ": error: " in l) == len(broken),
          "stdout does not list each broken image")

    out = os.path.join(tmp, "failfast.jsonl")
    rc, _, err = run(edgeflow, 3, model, ["-i", images, "--inflight", "4", "--json", out,
                                          "--fail-fast", "--quiet"])
    first_bad = next(i for i, p in enumerate(inputs) if p in broken)
    check(rc == 1, f"--fail-fast exit status {rc}, expected 1")
    first = [l for l in err.splitlines() if l.strip()][0]
    check(first.startswith("edgeflow: error: ") and inputs[first_bad] in first,
          f"first stderr line does not name {inputs[first_bad]}: {first}")
    recs, _ = split(read_jsonl(out))
    check_order(recs, inputs, False)
    check(len(recs) == first_bad + 1 and "error" in recs[-1],
          f"--fail-fast wrote {len(recs)} records, expected {first_bad + 1} ending in the error")
    print(f"ok: folder classes, accuracy {acc}; --fail-fast stopped at record {first_bad}")


def wait_records(path, n, proc, timeout=120):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        check(proc.poll() is None, f"the job ended (status {proc.returncode}) before {n} records")
        if os.path.exists(path):
            with open(path, "rb") as f:
                if f.read().count(b"\n") >= n:
                    return
        time.sleep(0.05)
    raise Failure(f"fewer than {n} records after {timeout} s")


def interrupted_run(edgeflow, model, tmp, images, out, np_, sig):
    cluster = os.path.join(tmp, f"slow{np_ or 1}.txtpb")
    with open(cluster, "w") as f:
        f.write("".join(SLOW.format(k) for k in range(np_ or 1)))
    cmd = command(edgeflow, np_, model, ["-i", images, "--inflight", "4", "--json", out,
                                         "--cluster", cluster, "--quiet"])
    print("$ " + " ".join(cmd) + f"   (then {signal.Signals(sig).name})", flush=True)
    proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_records(out, 5, proc)
        proc.send_signal(sig)
        start = time.monotonic()
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    took = time.monotonic() - start
    err = stderr.decode(errors="replace")
    print(f"  exit {proc.returncode} {took:.1f} s after the signal; stderr:")
    for line in err.splitlines()[:8]:
        print("  | " + line)
    return proc.returncode, err, took


def resume_and_check(edgeflow, model, images, out, inputs, broken, np_, done_before):
    rc, _, _ = run(edgeflow, np_, model, ["-i", images, "--inflight", "4", "--json", out,
                                          "--resume", "--quiet"])
    check(rc == 0, f"--resume exit status {rc}")
    records = read_jsonl(out)
    recs, summaries = split(records)
    check(len(summaries) == 1 and records[-1].get("summary"), "not one summary, last")
    check_order(recs, inputs, True)  # every image once, in order
    check_errors(recs, broken)
    s = summaries[0]
    check(s["count"] == 50 and s["errors"] == len(broken) and s["resumed"] == done_before,
          f"summary count {s['count']} errors {s['errors']} resumed {s['resumed']}")
    check(s["count_this_run"] == 50 - done_before, "this run did other than the rest")
    # Resuming a complete job does nothing and keeps every record.
    rc, _, _ = run(edgeflow, np_, model, ["-i", images, "--json", out, "--resume", "--quiet"])
    check(rc == 0, f"second --resume exit status {rc}")
    recs2, summaries2 = split(read_jsonl(out))
    check(recs2 == recs and summaries2[0]["count_this_run"] == 0, "a complete job was redone")


def case_sigusr1_resume(edgeflow, make_images, model, tmp):
    images, broken, inputs = make_set(make_images, tmp)
    out = os.path.join(tmp, "job.jsonl")
    rc, err, took = interrupted_run(edgeflow, model, tmp, images, out, 3, signal.SIGUSR1)
    check(rc == 130, f"exit status {rc} after SIGUSR1, expected 130")
    check("interrupted by SIGUSR1" in err, "no message about the interruption")
    records = read_jsonl(out)
    recs, summaries = split(records)
    check(len(summaries) == 1 and summaries[0]["interrupted"] is True,
          "no summary marked interrupted")
    check_order(recs, inputs, False)  # every request fed finished: a prefix of the inputs
    check(5 <= len(recs) < 50, f"{len(recs)} records after the interruption")
    resume_and_check(edgeflow, model, images, out, inputs, broken, 3, len(recs))
    print(f"ok: SIGUSR1 after {len(recs)} records (ended in {took:.1f} s), resumed to 50")


def case_kill_resume(edgeflow, make_images, model, tmp):
    images, broken, inputs = make_set(make_images, tmp)
    out = os.path.join(tmp, "job.jsonl")
    rc, _, took = interrupted_run(edgeflow, model, tmp, images, out, 3, signal.SIGINT)
    check(rc != 0, "exit status 0 after SIGINT")
    check(took < 15, f"mpirun took {took:.1f} s to end after SIGINT")
    records = read_jsonl(out)  # every record written is whole
    recs, summaries = split(records)
    check(not summaries, "a summary after a kill")
    check_order(recs, inputs, False)
    done = len(recs)
    # A kill in the middle of a write leaves a last line cut short.
    with open(out, "a") as f:
        f.write('{"index":%d,"input":"%s","repeat":0,"top":[{"cla' % (done, inputs[done]))
    resume_and_check(edgeflow, model, images, out, inputs, broken, 3, done)
    print(f"ok: SIGINT after {done} records (ended in {took:.1f} s), cut line dropped, resumed")


def case_singleton_sigint(edgeflow, make_images, model, tmp):
    images, broken, inputs = make_set(make_images, tmp)
    out = os.path.join(tmp, "job.jsonl")
    rc, err, took = interrupted_run(edgeflow, model, tmp, images, out, None, signal.SIGINT)
    check(rc == 130, f"exit status {rc} after SIGINT on one rank, expected 130")
    check("interrupted by SIGINT" in err, "no message about the interruption")
    recs, summaries = split(read_jsonl(out))
    check(len(summaries) == 1 and summaries[0]["interrupted"], "no interrupted summary")
    check_order(recs, inputs, False)
    resume_and_check(edgeflow, model, images, out, inputs, broken, None, len(recs))
    print(f"ok: SIGINT on one rank after {len(recs)} records, resumed to 50")


def case_progress(edgeflow, make_images, model, tmp):
    images, _, _ = make_set(make_images, tmp)
    rc, _, err = run(edgeflow, None, model, ["-i", images, "--progress", "bar"])
    check(rc == 0, f"exit status {rc}")
    check("\r" in err and "50/50" in err and "img/s" in err, "no progress bar ending at 50/50")
    rc, _, err = run(edgeflow, 2, model, ["-i", images, "--progress", "bar", "--inflight", "2"])
    check(rc == 0 and "50/50" in err, "no progress bar under mpirun")
    rc, out, err = run(edgeflow, None, model, ["-i", images, "--quiet"])
    check(rc == 0 and err.strip() == "", f"--quiet still wrote to stderr: {err!r}")
    check("accuracy" not in out and "images: 50" in out, "no summary on stdout")
    print("ok: progress bar, silent with --quiet")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    case, edgeflow, make_images, model = sys.argv[1:]
    check(os.path.exists(model), f"missing model {model} (./run.sh test exports it)")
    tmp = tempfile.mkdtemp(prefix=f"batch.{case}.")
    try:
        globals()["case_" + case](os.path.abspath(edgeflow), make_images, model, tmp)
    except Failure as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
