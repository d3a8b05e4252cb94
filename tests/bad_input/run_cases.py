#!/usr/bin/python3
"""Runs every case of cases.txt through the real program and checks what a user
sees (docs/user-contract.md): the exit status mpirun returns, a first stderr line
"edgeflow: error: ..." naming the thing at fault (and no second error line),
no signal or core dump, no sanitizer report, and an end within the bound.

    run_cases.py EDGEFLOW [--cases FILE] [--corpus DIR] [--bound SECONDS] [NAME...]

Without --corpus the corpus is made by make_corpus.py in a temporary
directory. NAMEs pick cases (substrings of their names). Prints one line per
case and every failure in full; exits 1 when a case failed.
"""
import argparse
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# Marks of a sanitizer report, a crash or an assertion in anything printed.
BAD_MARKS = [
    "AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer", "runtime error:",
    "ThreadSanitizer", "MemorySanitizer", "core dumped", "Segmentation fault",
    "exited on signal", "terminate called", "Assertion", "assertion failed", "Aborted",
    "Floating point exception", "std::bad_alloc",
]


class Case:
    def __init__(self, line_no, fields):
        self.line_no = line_no
        self.name, np_text, exit_text, self.text, self.args = [f.strip() for f in fields]
        self.np = None if np_text == "-" else int(np_text)
        self.exit = int(exit_text)
        if self.text == "-":
            self.text = ""


def read_cases(path):
    cases = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("|", 4)
            if len(fields) != 5:
                sys.exit(f"{path}:{n}: expected 5 fields separated by '|'")
            cases.append(Case(n, fields))
    names = [c.name for c in cases]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit(f"{path}: duplicate case names: {', '.join(sorted(dup))}")
    return cases


def expand(text, subst):
    for key, value in subst.items():
        text = text.replace(key, value)
    return text


def run_case(case, edgeflow, corpus, bound):
    """Returns (problems, seconds, stderr, stdout, status)."""
    scratch = tempfile.mkdtemp(prefix=f"bad_input.{case.name}.")
    subst = {"@C@": corpus, "@TINY@": os.path.join(ROOT, "models", "tiny"), "@TMP@": scratch}
    args = [expand(a, subst) for a in shlex.split(case.args)]
    expected_text = expand(case.text, subst)
    if case.np is None:
        cmd = [edgeflow] + args
    else:
        cmd = ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", str(case.np),
               edgeflow] + args
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS="1", OMP_WAIT_POLICY="passive", OMPI_ALLOW_RUN_AS_ROOT="1",
               OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=scratch, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    problems = []
    try:
        out, err = proc.communicate(timeout=bound)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        problems.append(f"did not end within {bound:g} s (killed)")
    seconds = time.monotonic() - start
    out = out.decode(errors="replace")
    err = err.decode(errors="replace")
    status = proc.returncode

    if status < 0:
        problems.append(f"ended by signal {-status}")
    elif status != case.exit:
        problems.append(f"exit status {status}, expected {case.exit}")
    lines = [l for l in err.splitlines() if l.strip()]
    error_lines = [l for l in lines if l.startswith("edgeflow: error:")]
    if case.exit != 0:
        if not lines or not lines[0].startswith("edgeflow: error: "):
            problems.append("the first stderr line is not 'edgeflow: error: ...'")
        elif expected_text not in lines[0]:
            problems.append(f"the error line does not contain {expected_text!r}")
        if len(error_lines) > 1:
            problems.append(f"{len(error_lines)} error lines; rank 0 alone reports, once")
    else:
        if error_lines:
            problems.append("an error line in a run that must succeed")
        if expected_text and not any(expected_text in l for l in lines + out.splitlines()):
            problems.append(f"no line of stdout or stderr contains {expected_text!r}")
    for mark in BAD_MARKS:
        if mark in err or mark in out:
            problems.append(f"output contains {mark!r}")
    cores = [f for f in os.listdir(scratch) if f.startswith("core")]
    if cores:
        problems.append(f"core dump: {', '.join(cores)}")
    shutil.rmtree(scratch, ignore_errors=True)
    return problems, seconds, err, out, status, cmd


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("edgeflow")
    ap.add_argument("names", nargs="*")
    ap.add_argument("--cases", default=os.path.join(HERE, "cases.txt"))
    ap.add_argument("--corpus")
    ap.add_argument("--bound", type=float,
                    default=float(os.environ.get("BAD_INPUT_BOUND_S", "60")),
                    help="seconds a case may take (default 60, env BAD_INPUT_BOUND_S)")
    opts = ap.parse_args()
    edgeflow = os.path.abspath(opts.edgeflow)
    if not os.access(edgeflow, os.X_OK):
        sys.exit(f"run_cases.py: {edgeflow} is not an executable")
    cases = read_cases(opts.cases)
    if opts.names:
        cases = [c for c in cases if any(n in c.name for n in opts.names)]

    tmp = None
    corpus = opts.corpus
    if corpus is None:
        tmp = tempfile.mkdtemp(prefix="bad_input.corpus.")
        corpus = tmp
        subprocess.run([sys.executable, os.path.join(HERE, "make_corpus.py"), corpus], check=True)
    corpus = os.path.abspath(corpus)

    failed = []
    total = time.monotonic()
    slowest = (0.0, "")
    for case in cases:
        problems, seconds, err, out, status, cmd = run_case(case, edgeflow, corpus, opts.bound)
        slowest = max(slowest, (seconds, case.name))
        first = next((l for l in err.splitlines() if l.strip()), "")
        print(f"{'FAIL' if problems else 'ok  '} {case.name:28s} np={case.np or '-'} "
              f"exit={status} {seconds:5.1f}s  {first[:150]}", flush=True)
        if problems:
            failed.append(case.name)
            print(f"  cases.txt:{case.line_no}: " + "; ".join(problems))
            print("  command: " + " ".join(shlex.quote(c) for c in cmd))
            for l in err.splitlines()[:30]:
                print("  stderr| " + l)
            for l in out.splitlines()[:10]:
                print("  stdout| " + l)
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(cases)} bad-input cases in {time.monotonic() - total:.0f} s "
          f"(slowest: {slowest[1]} {slowest[0]:.1f} s): {len(failed)} failed"
          + (": " + " ".join(failed) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
