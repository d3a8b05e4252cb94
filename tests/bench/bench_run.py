"""What the benchmark scripts share: where things are, and one edgeflow run
through mpirun on this host (oversubscribed, unbound, allowed as root; passive
OpenMP waits when the ranks outnumber the cores, as run.sh does) that returns
the run's JSON summary record."""
import json, os, subprocess, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZOO = os.path.join(ROOT, "models", "zoo")
EDGEFLOW = os.path.join(ROOT, "build", "edgeflow")


def mpi_env(np_):
    """The environment of an np_-rank job: passive OpenMP waits only where
    ranks share cores (then each runs one thread); otherwise OpenMP's default,
    which is 2x faster at two threads per rank on small layers."""
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    env.pop("OMP_WAIT_POLICY", None)
    if np_ > (os.cpu_count() or 1):
        env["OMP_WAIT_POLICY"] = "passive"
    return env


def mpirun_command(np_, edgeflow_args, edgeflow=EDGEFLOW):
    return ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", str(np_), edgeflow,
            *edgeflow_args]


def zoo_model(name):
    """The model's path and its test input's."""
    return os.path.join(ZOO, name + ".onnx"), os.path.join(ZOO, name + ".input.npy")


def run_summary(np_, edgeflow_args, edgeflow=EDGEFLOW, json_path=None, quiet_stderr=False):
    """Runs edgeflow with --quiet --json and returns the summary record (the
    last line). Raises CalledProcessError when the run fails."""
    with tempfile.TemporaryDirectory() as tmp:
        out = json_path or os.path.join(tmp, "run.jsonl")
        cmd = mpirun_command(np_, [*edgeflow_args, "--quiet", "--json", out], edgeflow)
        subprocess.run(cmd, check=True, env=mpi_env(np_), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL if quiet_stderr else None)
        with open(out) as f:
            return [json.loads(line) for line in f][-1]


def write_report(path, text, note=""):
    """Writes a benchmark's markdown to `path` and prints it with where it went."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text + "\n")
    print(f"\n{text}\n\n(written to {path}{note})")
