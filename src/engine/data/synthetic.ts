// Small synthetic data sets for instant demos (no MNIST needed), all seeded.
import { Rng } from '../rng';
import type { LabelledSet } from '../trainer';

const SYNTHETIC_STREAM = 0x70;

/** Two interleaving half circles in 2-D with Gaussian noise; labels 0 and 1, half each. */
export function twoMoons(count: number, noise: number, seed: number): LabelledSet {
  const rng = new Rng(seed, SYNTHETIC_STREAM, 1);
  const images = new Float32Array(count * 2);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 2;
    const angle = Math.PI * rng.nextDouble();
    const x = label === 0 ? Math.cos(angle) : 1 - Math.cos(angle);
    const y = label === 0 ? Math.sin(angle) : 0.5 - Math.sin(angle);
    images[2 * i] = x + noise * rng.nextGaussian();
    images[2 * i + 1] = y + noise * rng.nextGaussian();
    labels[i] = label;
  }
  return { count, images, labels };
}

/** `classes` isotropic Gaussian blobs in `dims` dimensions with centres on a circle of radius 2. */
export function gaussianBlobs(count: number, classes: number, dims: number, spread: number, seed: number): LabelledSet {
  const rng = new Rng(seed, SYNTHETIC_STREAM, 2);
  const images = new Float32Array(count * dims);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % classes;
    const angle = (2 * Math.PI * label) / classes;
    for (let d = 0; d < dims; d++) {
      const centre = d === 0 ? 2 * Math.cos(angle) : d === 1 ? 2 * Math.sin(angle) : 0;
      images[i * dims + d] = centre + spread * rng.nextGaussian();
    }
    labels[i] = label;
  }
  return { count, images, labels };
}

/**
 * 1-D regression with a gap in the inputs: half the points in [−1, −0.2], half in [0.3, 1],
 * y = sin(3x) + N(0, noise²). The gap is where MC dropout's uncertainty band should widen.
 */
export function sineWithGap(count: number, noise: number, seed: number): { x: number[]; y: number[] } {
  const rng = new Rng(seed, SYNTHETIC_STREAM, 3);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < count; i++) {
    const xi = i < count / 2 ? -1 + 0.8 * rng.nextDouble() : 0.3 + 0.7 * rng.nextDouble();
    x.push(xi);
    y.push(Math.sin(3 * xi) + noise * rng.nextGaussian());
  }
  return { x, y };
}
