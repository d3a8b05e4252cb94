// ONNX Runtime timing driver of the single-device benchmark (tests/bench/single.sh):
// runs one ONNX model with onnxruntime-node's CPU execution provider
// (sequential, all graph optimizations, intra-op threads = --threads) and
// prints one JSON line: the wall time and the process's CPU time of every
// timed inference, and the first output's error against a reference.
//
//   NODE_PATH=DIR/node_modules node ort_bench.js MODEL.onnx INPUT.npy --threads N
//       [--warmup W] [--repeat R] [--ref REF.npy] [--profile DIR]
//
// --profile DIR: ONNX Runtime's own profiler on; the line then also holds
// "nodes": every node's op type, shapes and median kernel time over the timed
// runs, in execution order, and "ops_ms": their sums per op type (ORT's fused
// nodes keep the type of their anchor op).
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');
const { readNpy } = require('../ort/npy.js');

function parseArgs(argv) {
  if (argv.length < 2) usage();
  const a = { model: argv[0], input: argv[1], threads: 1, warmup: 3, repeat: 20, ref: '',
              profile: '' };
  for (let i = 2; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (v === undefined) usage();
    if (argv[i] === '--threads') a.threads = Number(v);
    else if (argv[i] === '--warmup') a.warmup = Number(v);
    else if (argv[i] === '--repeat') a.repeat = Number(v);
    else if (argv[i] === '--ref') a.ref = v;
    else if (argv[i] === '--profile') a.profile = v;
    else usage();
  }
  return a;
}

function usage() {
  process.stderr.write('usage: node ort_bench.js MODEL.onnx INPUT.npy --threads N ' +
                       '[--warmup W] [--repeat R] [--ref REF.npy] [--profile DIR]\n');
  process.exit(1);
}

// The nodes of the newest profile in `dir` in execution order, each with its
// op type, output and weight shapes (as the kernel saw them: NCHWc kernels
// pad channels) and its median kernel time, skipping each node's first
// `skip` runs.
function nodeTimes(dir, skip) {
  const files = fs.readdirSync(dir).filter((f) => f.startsWith('ort') && f.endsWith('.json'));
  files.sort((x, y) => fs.statSync(path.join(dir, y)).mtimeMs - fs.statSync(path.join(dir, x)).mtimeMs);
  const events = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8'));
  const perNode = new Map();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    if (!perNode.has(e.name)) {
      const shapes = (list) => (list || []).map((t) => Object.values(t)[0]);
      const inputs = shapes(e.args.input_type_shape);
      perNode.set(e.name, { name: e.name.replace(/_kernel_time$/, ''), op: e.args.op_name,
                            out: shapes(e.args.output_type_shape)[0] || [],
                            weight: inputs.length > 1 ? inputs[1] : [], us: [] });
    }
    perNode.get(e.name).us.push(e.dur);
  }
  const nodes = [];
  for (const { us, ...node } of perNode.values()) {
    const timed = us.slice(skip).sort((x, y) => x - y);
    if (timed.length === 0) continue;
    nodes.push({ ...node, ms: timed[Math.floor(timed.length / 2)] / 1e3 });
  }
  return nodes;
}

// Per op type: the sum of its nodes' median kernel times.
function opTimes(nodes) {
  const ops = {};
  for (const { op, ms } of nodes) ops[op] = (ops[op] || 0) + ms;
  return ops;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const x = readNpy(a.input);
  const session = await ort.InferenceSession.create(a.model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: a.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableProfiling: a.profile !== '',
    profileFilePrefix: a.profile ? path.join(a.profile, 'ort') : undefined,
  });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', x.data, x.shape) };
  const times = [], cpu = [];
  let out = null;
  for (let i = 0; i < a.warmup + a.repeat; ++i) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const result = await session.run(feeds);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    out = result[session.outputNames[0]].data;
    if (i >= a.warmup) times.push(ms), cpu.push((c.user + c.system) / 1e3);
  }
  let error = -1;
  if (a.ref) {
    const r = readNpy(a.ref).data;
    if (r.length !== out.length)
      throw new Error(`output has ${out.length} values, the reference ${r.length}`);
    let diff = 0, scale = 0;
    for (let i = 0; i < r.length; ++i) {
      diff = Math.max(diff, Math.abs(out[i] - r[i]));
      scale = Math.max(scale, Math.abs(r[i]));
    }
    error = scale > 0 ? diff / scale : diff;
  }
  const record = { engine: 'onnxruntime', version: ort.env.versions ? ort.env.versions.common : '',
                   threads: a.threads, error, times_ms: times, cpu_ms: cpu };
  if (a.profile) {
    session.endProfiling();
    record.nodes = nodeTimes(a.profile, a.warmup);
    record.ops_ms = opTimes(record.nodes);
  }
  process.stdout.write(JSON.stringify(record) + '\n');
}

main().catch((e) => {
  process.stderr.write(`ort_bench.js: error: ${e.message}\n`);
  process.exit(1);
});
