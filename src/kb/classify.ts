/**
 * Question classifiers (issue 15): character n-gram logistic regression, written here, trained offline by
 * `npm run train:kb` (src/kb/train.ts) on generated questions (src/kb/grammar.ts) plus the hand-written
 * tuning set — never on a held-out set — and shipped in src/kb/models/ as small JSON files. At answer time
 * a classifier gives a probability per class; its confidence decides whether the reader uses it.
 *
 * Features: the folded text's character 3- to 5-grams within each word (with word edges marked), and
 * its words and word pairs, hashed (FNV-1a) into a fixed number of dimensions. Weights are stored as
 * 8-bit integers with one scale per class.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MODELS_DIR } from './spelling.ts';
import { fold, words } from './text.ts';

const DIMS = 1 << 15;

export interface Model {
  name: string;
  classes: string[];
  dims: number;
  bias: number[];
  scale: number[];
  /** Per class, base64 of `dims` signed 8-bit weights (multiply by the class scale). */
  weights: string[];
  /**
   * Temperature the scores are divided by before the softmax, fitted by `train:kb` on generated questions
   * held back from training (other question frames): calibrated probabilities. Absent: 1.
   */
  temperature?: number;
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The hashed feature indices of a text (each index once). */
export function features(text: string, dims = DIMS): number[] {
  const ws = words(fold(text));
  const out = new Set<number>();
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    out.add(fnv(`w:${w}`) % dims);
    if (i > 0) out.add(fnv(`b:${ws[i - 1]} ${w}`) % dims);
    const padded = ` ${w} `;
    for (let n = 3; n <= 5; n++)
      for (let j = 0; j + n <= padded.length; j++) out.add(fnv(`c:${padded.slice(j, j + n)}`) % dims);
  }
  return [...out];
}

export interface Prediction {
  label: string;
  p: number;
  probs: Record<string, number>;
}

interface Loaded {
  classes: string[];
  bias: number[];
  w: Float32Array[];
  dims: number;
  temperature: number;
}

const cache = new Map<string, Loaded | null>();

function load(name: string): Loaded | null {
  if (cache.has(name)) return cache.get(name)!;
  let m: Model;
  try {
    m = JSON.parse(readFileSync(path.join(MODELS_DIR, `${name}.json`), 'utf8')) as Model;
  } catch {
    cache.set(name, null);
    return null;
  }
  const w = m.weights.map((b64, c) => {
    const bytes = Buffer.from(b64, 'base64');
    const out = new Float32Array(m.dims);
    for (let i = 0; i < m.dims; i++) out[i] = ((bytes[i]! << 24) >> 24) * m.scale[c]!;
    return out;
  });
  const loaded = { classes: m.classes, bias: m.bias, w, dims: m.dims, temperature: m.temperature ?? 1 };
  cache.set(name, loaded);
  return loaded;
}

function softmax(z: number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/** Scores of each class for these features (weights given directly, for training). */
export function scores(f: number[], w: ArrayLike<number>[], bias: number[]): number[] {
  return w.map((wc, c) => f.reduce((s, i) => s + wc[i]!, bias[c]!));
}

export { softmax };

/** The classifier's raw scores (before temperature and softmax), or null when its model is not shipped. */
export function rawScores(name: string, text: string): number[] | null {
  const m = load(name);
  return m ? scores(features(text, m.dims), m.w, m.bias) : null;
}

/** Forgets the loaded models (train:kb, after writing new ones). */
export function unload(): void {
  cache.clear();
}

/**
 * The temperature that makes the probabilities honest on held-back questions: the one (on a log grid
 * from 0.25 to 1024) that minimises their negative log-likelihood.
 */
export function fitTemperature(raw: number[][], labels: number[]): { temperature: number; nll: number } {
  let best = { temperature: 1, nll: Number.POSITIVE_INFINITY };
  for (let k = -8; k <= 40; k++) {
    const t = 2 ** (k / 4);
    let nll = 0;
    raw.forEach((z, i) => {
      nll -= Math.log(Math.max(1e-12, softmax(z.map((x) => x / t))[labels[i]!]!));
    });
    nll /= raw.length || 1;
    if (nll < best.nll) best = { temperature: Number(t.toPrecision(6)), nll };
  }
  return best;
}

/** The classifier's calibrated prediction for a text, or null when its model is not shipped. */
export function classify(name: string, text: string): Prediction | null {
  const m = load(name);
  if (!m) return null;
  const p = softmax(scores(features(text, m.dims), m.w, m.bias).map((z) => z / m.temperature));
  let best = 0;
  for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
  return {
    label: m.classes[best]!,
    p: p[best]!,
    probs: Object.fromEntries(m.classes.map((c, i) => [c, p[i]!])),
  };
}

/** A small deterministic random generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A training order per epoch, shuffled deterministically from a seed. */
export function shuffler(seed: number): (n: number, epoch: number) => number[] {
  return (n, epoch) => {
    const r = rng(seed * 1000 + epoch);
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  };
}

/** Trains a multinomial logistic regression by SGD, deterministically (fixed order per epoch seed). */
export function train(
  name: string,
  data: { text: string; label: string }[],
  classes: string[],
  opts: { epochs?: number; rate?: number; l2?: number; shuffle: (n: number, epoch: number) => number[] },
): Model {
  const epochs = opts.epochs ?? 4;
  const l2 = opts.l2 ?? 1e-4;
  const w = classes.map(() => new Float64Array(DIMS));
  const bias = classes.map(() => 0);
  const xs = data.map((d) => features(d.text));
  const ys = data.map((d) => classes.indexOf(d.label));
  for (let e = 0; e < epochs; e++) {
    const rate = (opts.rate ?? 0.5) / (1 + e);
    for (const i of opts.shuffle(data.length, e)) {
      const x = xs[i]!;
      const p = softmax(scores(x, w, bias));
      for (let c = 0; c < classes.length; c++) {
        const g = p[c]! - (c === ys[i] ? 1 : 0);
        if (Math.abs(g) < 1e-4) continue;
        bias[c]! -= rate * g;
        const wc = w[c]!;
        for (const j of x) wc[j] = wc[j]! * (1 - rate * l2) - rate * g;
      }
    }
  }
  const scale = w.map((wc) => {
    let max = 0;
    for (const v of wc) max = Math.max(max, Math.abs(v));
    return max / 127 || 1;
  });
  const weights = w.map((wc, c) => {
    const bytes = Buffer.alloc(DIMS);
    for (let i = 0; i < DIMS; i++) bytes[i] = Math.round(wc[i]! / scale[c]!) & 0xff;
    return bytes.toString('base64');
  });
  return {
    name,
    classes,
    dims: DIMS,
    bias: bias.map((b) => Number(b.toFixed(6))),
    scale: scale.map((s) => Number(s.toPrecision(8))),
    weights,
  };
}
