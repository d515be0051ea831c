/**
 * Two-dimensional toy sets for watching a decision boundary form. Row i belongs to class i mod K, so classes
 * are balanced (remainder to the first classes) and any prefix (`limit`) is mixed; class counts follow from
 * the options alone, which keeps describeDataset free of generation.
 */
import type { DatasetInfo, DatasetRef } from '../../contract';
import { createRng, deriveSeed, randomNormal } from '../random';
import { fingerprint } from './fingerprint';
import { DatasetError, type Dataset } from './types';

export const SYNTHETIC_IDS = ['spiral', 'moons', 'circles', 'xor', 'gaussians'] as const;
export type SyntheticId = (typeof SYNTHETIC_IDS)[number];

const DEFAULT_SIZE = 1000;
const MAX_SIZE = 1_000_000;

type Point = (cls: number, t: number, classes: number, noise: number, rng: () => number) => [number, number];

interface Generator {
  name: string;
  description: string;
  noise: number;
  /** Default class count, and whether the shape allows any other. */
  classes: number;
  fixedClasses: boolean;
  /** t runs from 0 to 1 along each class's points. */
  point: Point;
}

const jitter = (noise: number, rng: () => number) => noise * randomNormal(rng);

const GENERATORS: Record<SyntheticId, Generator> = {
  spiral: {
    name: 'Spiral',
    description: 'Interleaved spiral arms, one per class; noise perturbs the angle (radians).',
    noise: 0.2,
    classes: 3,
    fixedClasses: false,
    point: (cls, t, classes, noise, rng) => {
      const r = 0.05 + 0.95 * t;
      const angle = (2 * Math.PI * cls) / classes + 4 * t + jitter(noise, rng);
      return [r * Math.sin(angle), r * Math.cos(angle)];
    },
  },
  moons: {
    name: 'Two moons',
    description: 'Two interleaving half circles; noise is the standard deviation of Gaussian jitter.',
    noise: 0.1,
    classes: 2,
    fixedClasses: true,
    point: (cls, t, _classes, noise, rng) => {
      const a = Math.PI * t;
      const [px, py] = cls === 0 ? [Math.cos(a), Math.sin(a)] : [1 - Math.cos(a), 0.5 - Math.sin(a)];
      return [px + jitter(noise, rng), py + jitter(noise, rng)];
    },
  },
  circles: {
    name: 'Circles',
    description: 'A circle inside a circle of twice its radius; noise is the standard deviation of Gaussian jitter.',
    noise: 0.05,
    classes: 2,
    fixedClasses: true,
    point: (cls, t, _classes, noise, rng) => {
      const r = cls === 0 ? 1 : 0.5;
      const a = 2 * Math.PI * t;
      return [r * Math.cos(a) + jitter(noise, rng), r * Math.sin(a) + jitter(noise, rng)];
    },
  },
  xor: {
    name: 'XOR',
    description: 'Points in the four quadrants, class = sign(x) xor sign(y); noise is Gaussian jitter added after labelling.',
    noise: 0.1,
    classes: 2,
    fixedClasses: true,
    point: (cls, _t, _classes, noise, rng) => {
      // One of the class's two quadrants, at random.
      const sx = rng() < 0.5 ? -1 : 1;
      const sy = cls === 0 ? sx : -sx;
      return [sx * rng() + jitter(noise, rng), sy * rng() + jitter(noise, rng)];
    },
  },
  gaussians: {
    name: 'Gaussian blobs',
    description: 'One Gaussian blob per class, centred on a circle of radius 2; noise is each blob\'s standard deviation.',
    noise: 0.5,
    classes: 3,
    fixedClasses: false,
    point: (cls, _t, classes, noise, rng) => {
      const a = (2 * Math.PI * cls) / classes;
      return [2 * Math.cos(a) + jitter(noise, rng), 2 * Math.sin(a) + jitter(noise, rng)];
    },
  },
};

export function isSyntheticId(id: string): id is SyntheticId {
  return (SYNTHETIC_IDS as readonly string[]).includes(id);
}

interface Options {
  size: number;
  noise: number;
  seed: number;
  classes: number;
}

function effectiveOptions(id: SyntheticId, ref: DatasetRef): Options {
  const g = GENERATORS[id];
  const size = ref.size ?? DEFAULT_SIZE;
  const noise = ref.noise ?? g.noise;
  const seed = ref.seed ?? 0;
  const classes = ref.classes ?? g.classes;
  if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE) {
    throw new DatasetError(`${id}: size must be a whole number from 1 to ${MAX_SIZE}, got ${size}`);
  }
  if (!Number.isFinite(noise) || noise < 0) throw new DatasetError(`${id}: noise must be a finite number ≥ 0, got ${noise}`);
  if (!Number.isInteger(seed) || seed < 0) throw new DatasetError(`${id}: seed must be a whole number ≥ 0, got ${seed}`);
  if (g.fixedClasses && classes !== g.classes) {
    throw new DatasetError(`${id} always has ${g.classes} classes; classes = ${classes} is only for spiral and gaussians`);
  }
  if (!Number.isInteger(classes) || classes < 2 || classes > 20) {
    throw new DatasetError(`${id}: classes must be a whole number from 2 to 20, got ${classes}`);
  }
  if (size < classes) throw new DatasetError(`${id}: size ${size} is smaller than the number of classes (${classes})`);
  return { size, noise, seed, classes };
}

/** Rows per class among the first `rows` rows (row i is class i mod K). */
function balancedCounts(rows: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, k) => Math.floor(rows / classes) + (k < rows % classes ? 1 : 0));
}

export function describeSynthetic(id: SyntheticId, ref: DatasetRef): DatasetInfo {
  const o = effectiveOptions(id, ref);
  const g = GENERATORS[id];
  const rows = Math.min(ref.limit ?? o.size, o.size);
  return {
    id,
    name: g.name,
    source: 'builtin',
    kind: 'synthetic-2d',
    inputShape: [2],
    numClasses: o.classes,
    classNames: Array.from({ length: o.classes }, (_, k) => String(k)),
    rows,
    classCounts: balancedCounts(rows, o.classes),
    description: g.description,
    fingerprint: null,
    options: { size: o.size, noise: o.noise, seed: o.seed, classes: o.classes },
  };
}

export function generateSynthetic(id: SyntheticId, ref: DatasetRef): Dataset {
  const info = describeSynthetic(id, ref);
  const { size, noise, seed, classes } = info.options as Options;
  const perClass = balancedCounts(size, classes);
  // The set's position in the list keeps spiral and gaussians with the same seed from sharing a stream.
  const rng = createRng(deriveSeed(seed, SYNTHETIC_IDS.indexOf(id) + 1));
  const x = new Float32Array(info.rows * 2);
  const y = new Int32Array(info.rows);
  // t depends on the full size, not on limit, so a limited set is exactly a prefix of the full one.
  for (let i = 0; i < info.rows; i++) {
    const cls = i % classes;
    const j = Math.floor(i / classes);
    const t = perClass[cls] > 1 ? j / (perClass[cls] - 1) : 0;
    const [px, py] = GENERATORS[id].point(cls, t, classes, noise, rng);
    x[2 * i] = px;
    x[2 * i + 1] = py;
    y[i] = cls;
  }
  info.fingerprint = fingerprint({ info, x, y });
  return { info, x, y };
}
