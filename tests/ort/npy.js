// Float32 C-order .npy files for the Node scripts that drive ONNX Runtime
// (tests/ort/ort_outputs.js, tests/bench/ort_bench.js).
'use strict';
const fs = require('fs');

// {shape, data: Float32Array}
function readNpy(path) {
  const b = fs.readFileSync(path);
  if (b.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = b[6];
  const headerLen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const offset = major === 1 ? 10 : 12;
  const header = b.toString('latin1', offset, offset + headerLen);
  if (!header.includes("'<f4'") || !header.includes("'fortran_order': False"))
    throw new Error(`${path}: expected float32 in C order`);
  const dims = header.match(/'shape':\s*\(([^)]*)\)/)[1];
  const shape = dims.split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const start = offset + headerLen;
  const copy = new Uint8Array(b.subarray(start)).buffer;  // aligned copy
  return { shape, data: new Float32Array(copy) };
}

// Writes `data` (any numeric array) as float32 of `shape`, atomically.
function writeNpy(path, shape, data) {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(Float32Array.from(data, Number).buffer);
  const tmp = `${path}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
  fs.renameSync(tmp, path);
}

module.exports = { readNpy, writeNpy };
