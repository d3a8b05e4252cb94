// ONNX Runtime's output for each model of a directory, saved beside it: for
// every name in DIR/manifest.txt, runs NAME.onnx on NAME.input.npy with
// onnxruntime-node's CPU execution provider (one thread, graph optimizations
// off: ONNX Runtime's Pad fusion changes a Pad -> MaxPool's result) and
// writes NAME.ort.npy (float32; integer outputs such as ArgMax's indices
// converted). Models whose .ort.npy is newer than their .onnx are skipped
// unless --force.
//
//   NODE_PATH=DIR/node_modules node ort_outputs.js MODEL_DIR [--force] [--only A,B]
//
// Exits 1 naming every model ONNX Runtime could not run, but for those listed
// in not_run_by_ort.txt (beside this script) with the reason.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');
const { readNpy, writeNpy } = require('./npy.js');

async function main(argv) {
  const dir = argv[0];
  if (!dir) {
    process.stderr.write('usage: node ort_outputs.js MODEL_DIR [--force] [--only A,B]\n');
    process.exit(1);
  }
  const force = argv.includes('--force');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? new Set(argv[onlyAt + 1].split(',')) : null;
  const names = fs.readFileSync(path.join(dir, 'manifest.txt'), 'utf8').split('\n')
    .filter((n) => n && (!only || only.has(n)));
  const known = new Map(fs.readFileSync(path.join(__dirname, 'not_run_by_ort.txt'), 'utf8')
    .split('\n').filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('|').map((f) => f.trim())));
  const failed = [];
  let ran = 0;
  for (const name of names) {
    if (known.has(name)) continue;
    const base = path.join(dir, name);
    const out = `${base}.ort.npy`;
    if (!force && fs.existsSync(out) &&
        fs.statSync(out).mtimeMs >= fs.statSync(`${base}.onnx`).mtimeMs) continue;
    try {
      const session = await ort.InferenceSession.create(`${base}.onnx`, {
        executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1,
        graphOptimizationLevel: 'disabled' });
      const x = readNpy(`${base}.input.npy`);
      const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', x.data, x.shape) };
      const y = (await session.run(feeds))[session.outputNames[0]];
      writeNpy(out, y.dims, y.data);
      ++ran;
    } catch (e) {
      failed.push(`${name}: ${String(e.message || e).split('\n')[0]}`);
    }
  }
  process.stderr.write(`ort_outputs: ${ran} model(s) run by ONNX Runtime ${ort.env.versions ? ort.env.versions.common : ''} into ${dir}\n`);
  if (failed.length) {
    process.stderr.write(`ort_outputs: ONNX Runtime could not run ${failed.length}:\n  ` +
                         failed.join('\n  ') + '\n');
    process.exit(1);
  }
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`ort_outputs: ${e.stack || e}\n`);
  process.exit(1);
});
