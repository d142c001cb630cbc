/**
 * Small model fitting in TypeScript for the sample models: a standardized multinomial logistic
 * regression and CART decision trees (optionally bagged into a forest). Each fitted model also
 * predicts in TypeScript, rounding like the ONNX graph does (float32), so tests can compare the
 * ONNX runtime's answers with these.
 */
import { CUSTOMER_FEATURES, prng, type Customer } from './customers.js';

export const RATING_CLASSES = [1, 2, 3, 4, 5] as const;

const f32 = Math.fround;

/** A customer's eight features in the lab's order, as float32 values (what the graph computes with). */
export function customerFeatures(c: Customer): number[] {
  // Integer features are exact in float32 (all below 2^24); float features are rounded like a cast.
  return CUSTOMER_FEATURES.map((name) => f32(c[name]));
}

export interface Prediction {
  label: number;
  /** The predicted class's probability. */
  probability: number;
}

/** Index of the first maximum (ties go to the lower index, as ONNX ArgMax and tree ensembles do). */
export function argmaxFirst(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

// ---------------------------------------------------------------------------------------------
// Multinomial logistic regression

export interface LinearModel {
  classes: number[];
  /** Per feature: x' = (x - mean) * scale. */
  mean: number[];
  scale: number[];
  /** weights[k][j]: class k, feature j. */
  weights: number[][];
  intercepts: number[];
}

export interface LinearFitOptions {
  iterations?: number;
  learningRate?: number;
  l2?: number;
}

/** Fits softmax regression with full-batch Adam on standardized features. Deterministic. */
export function fitLinearClassifier(X: number[][], y: number[], classes: readonly number[], options: LinearFitOptions = {}): LinearModel {
  const iterations = options.iterations ?? 400;
  const lr = options.learningRate ?? 0.05;
  const l2 = options.l2 ?? 1e-4;
  const n = X.length;
  const d = X[0]!.length;
  const K = classes.length;
  const mean = new Array<number>(d).fill(0);
  const sq = new Array<number>(d).fill(0);
  for (const row of X) row.forEach((v, j) => (mean[j]! += v / n));
  for (const row of X) row.forEach((v, j) => (sq[j]! += (v - mean[j]!) ** 2 / n));
  const scale = sq.map((s) => f32(s > 0 ? 1 / Math.sqrt(s) : 1));
  const meanF = mean.map(f32);
  const Z = X.map((row) => row.map((v, j) => (v - meanF[j]!) * scale[j]!));
  const yi = y.map((label) => {
    const k = classes.indexOf(label);
    if (k < 0) throw new Error(`label ${label} is not one of the classes ${classes.join(', ')}`);
    return k;
  });
  const W = Array.from({ length: K }, () => new Array<number>(d).fill(0));
  const b = new Array<number>(K).fill(0);
  // Adam state, flattened: K*d weights then K intercepts.
  const P = K * d + K;
  const m = new Float64Array(P);
  const v = new Float64Array(P);
  const grad = new Float64Array(P);
  const logits = new Float64Array(K);
  for (let it = 1; it <= iterations; it++) {
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const z = Z[i]!;
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        let s = b[k]!;
        const w = W[k]!;
        for (let j = 0; j < d; j++) s += w[j]! * z[j]!;
        logits[k] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += logits[k] = Math.exp(logits[k]! - max);
      for (let k = 0; k < K; k++) {
        const g = logits[k]! / sum - (yi[i] === k ? 1 : 0);
        for (let j = 0; j < d; j++) grad[k * d + j]! += (g * z[j]!) / n;
        grad[K * d + k]! += g / n;
      }
    }
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) grad[k * d + j]! += l2 * W[k]![j]!;
    const b1 = 0.9;
    const b2 = 0.999;
    for (let p = 0; p < P; p++) {
      m[p] = b1 * m[p]! + (1 - b1) * grad[p]!;
      v[p] = b2 * v[p]! + (1 - b2) * grad[p]! ** 2;
      const step = (lr * (m[p]! / (1 - b1 ** it))) / (Math.sqrt(v[p]! / (1 - b2 ** it)) + 1e-8);
      if (p < K * d) W[Math.floor(p / d)]![p % d]! -= step;
      else b[p - K * d]! -= step;
    }
  }
  return {
    classes: [...classes],
    mean: meanF,
    scale,
    weights: W.map((w) => w.map(f32)),
    intercepts: b.map(f32),
  };
}

/** Class scores (logits) as the ONNX graph computes them: float32 at every step. */
export function linearLogits(model: LinearModel, x: readonly number[]): number[] {
  const z = x.map((v, j) => f32(f32(v - model.mean[j]!) * model.scale[j]!));
  return model.weights.map((w, k) => {
    let s = 0;
    for (let j = 0; j < z.length; j++) s = f32(s + f32(w[j]! * z[j]!));
    return f32(s + model.intercepts[k]!);
  });
}

export function predictLinear(model: LinearModel, x: readonly number[]): Prediction {
  const logits = linearLogits(model, x);
  const k = argmaxFirst(logits);
  let sum = 0;
  for (const l of logits) sum += Math.exp(l - logits[k]!);
  return { label: model.classes[k]!, probability: 1 / sum };
}

// ---------------------------------------------------------------------------------------------
// CART decision trees and bagged forests

/** One tree in flat arrays; node 0 is the root. A node with feature -1 is a leaf. */
export interface DecisionTree {
  feature: number[];
  /** Go to `left` when x[feature] <= threshold (a float32 value seen in the data). */
  threshold: number[];
  left: number[];
  right: number[];
  /** For leaves: class probabilities (same order as the model's classes); empty for branches. */
  leafProbabilities: number[][];
}

export interface TreeModel {
  classes: number[];
  trees: DecisionTree[];
}

export interface TreeFitOptions {
  maxDepth?: number;
  minSamplesLeaf?: number;
  /** Features considered at each split (default: all). Fewer gives more varied trees in a forest. */
  featuresPerSplit?: number;
  seed?: number;
}

export interface ForestFitOptions extends TreeFitOptions {
  /** Candidate thresholds per feature (quantiles over all rows). Default 32. */
  maxBins?: number;
  trees?: number;
  /** Bootstrap the rows of each tree (default true when there is more than one tree). */
  bootstrap?: boolean;
  /** Stop adding trees once their TreeEnsembleClassifier attributes reach this many bytes. */
  maxTotalBytes?: number;
}

function gini(counts: Float64Array, total: number): number {
  if (total === 0) return 0;
  let s = 0;
  for (let k = 0; k < counts.length; k++) {
    const p = counts[k]! / total;
    s += p * p;
  }
  return 1 - s;
}

/**
 * Features binned once for all trees: `cuts[j]` are ascending thresholds (values seen in the data,
 * so exact in float32) and `bins[j][i]` is row i's bin: the first cut its value is <= to, or
 * cuts[j].length when it is above them all.
 */
export interface BinnedFeatures {
  cuts: number[][];
  bins: Uint8Array[];
}

/** Quantile cuts per feature (at most `maxBins`, fewer for features with fewer distinct values). */
export function binFeatures(X: number[][], maxBins = 32): BinnedFeatures {
  const d = X[0]!.length;
  const cuts: number[][] = [];
  const bins: Uint8Array[] = [];
  for (let j = 0; j < d; j++) {
    const values = X.map((row) => row[j]!).sort((a, b) => a - b);
    const set = new Set<number>();
    for (let q = 1; q <= maxBins; q++) {
      const v = values[Math.min(values.length - 1, Math.floor((q * values.length) / (maxBins + 1)))]!;
      if (v < values[values.length - 1]!) set.add(v);
    }
    const c = [...set].sort((a, b) => a - b);
    const b = new Uint8Array(X.length);
    X.forEach((row, i) => {
      const v = row[j]!;
      let lo = 0;
      let hi = c.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v <= c[mid]!) hi = mid;
        else lo = mid + 1;
      }
      b[i] = lo;
    });
    cuts.push(c);
    bins.push(b);
  }
  return { cuts, bins };
}

/** Fits one CART tree (Gini impurity) on the rows `rows` (indices, repeats allowed) of binned data. */
export function fitTree(data: BinnedFeatures, yi: ArrayLike<number>, K: number, rows: number[], options: TreeFitOptions = {}): DecisionTree {
  const maxDepth = options.maxDepth ?? 6;
  const minLeaf = options.minSamplesLeaf ?? 5;
  const d = data.cuts.length;
  const mtry = Math.min(d, options.featuresPerSplit ?? d);
  const rnd = prng(options.seed ?? 1);
  const tree: DecisionTree = { feature: [], threshold: [], left: [], right: [], leafProbabilities: [] };
  const features = Array.from({ length: d }, (_, j) => j);
  const hist = new Float64Array(256 * K);
  const leftCounts = new Float64Array(K);
  const rightCounts = new Float64Array(K);

  const addNode = (): number => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.leafProbabilities.push([]);
    return tree.feature.length - 1;
  };

  const grow = (node: number, idx: number[], depth: number): void => {
    const counts = new Float64Array(K);
    for (const i of idx) counts[yi[i]!]!++;
    const total = idx.length;
    const parentGini = gini(counts, total);
    let bestFeature = -1;
    let bestBin = -1;
    let bestGain = 1e-12;
    if (depth < maxDepth && total >= 2 * minLeaf && parentGini > 0) {
      for (let j = d - 1; j > 0; j--) {
        const r = Math.floor(rnd() * (j + 1));
        [features[j], features[r]] = [features[r]!, features[j]!];
      }
      for (let f = 0; f < mtry; f++) {
        const j = features[f]!;
        const nCuts = data.cuts[j]!.length;
        if (nCuts === 0) continue;
        const bins = data.bins[j]!;
        hist.fill(0, 0, (nCuts + 1) * K);
        for (const i of idx) hist[bins[i]! * K + yi[i]!]!++;
        leftCounts.fill(0);
        let leftTotal = 0;
        for (let b = 0; b < nCuts; b++) {
          for (let k = 0; k < K; k++) {
            leftCounts[k]! += hist[b * K + k]!;
            leftTotal += hist[b * K + k]!;
          }
          const rightTotal = total - leftTotal;
          if (leftTotal < minLeaf) continue;
          if (rightTotal < minLeaf) break;
          for (let k = 0; k < K; k++) rightCounts[k] = counts[k]! - leftCounts[k]!;
          const gain = parentGini - (leftTotal / total) * gini(leftCounts, leftTotal) - (rightTotal / total) * gini(rightCounts, rightTotal);
          if (gain > bestGain) {
            bestGain = gain;
            bestFeature = j;
            bestBin = b;
          }
        }
      }
    }
    if (bestFeature < 0) {
      tree.leafProbabilities[node] = Array.from(counts, (c) => c / total);
      return;
    }
    tree.feature[node] = bestFeature;
    tree.threshold[node] = data.cuts[bestFeature]![bestBin]!;
    const bins = data.bins[bestFeature]!;
    const leftIdx: number[] = [];
    const rightIdx: number[] = [];
    for (const i of idx) (bins[i]! <= bestBin ? leftIdx : rightIdx).push(i);
    const l = addNode();
    const r = addNode();
    tree.left[node] = l;
    tree.right[node] = r;
    grow(l, leftIdx, depth + 1);
    grow(r, rightIdx, depth + 1);
  };

  grow(addNode(), rows, 0);
  return tree;
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/** Bytes the tree adds to a TreeEnsembleClassifier's attributes when it is tree number `treeId`. */
export function treeAttributeBytes(tree: DecisionTree, treeId: number, classes: number): number {
  const t = varintSize(treeId);
  let bytes = 0;
  for (let n = 0; n < tree.feature.length; n++) {
    const leaf = tree.feature[n]! < 0;
    const id = varintSize(n);
    // treeid, nodeid, featureid, mode (tag + length + text), value, true/false node ids
    bytes += t + id + 1 + (leaf ? 6 : 12) + 4 + (leaf ? 2 : varintSize(tree.left[n]!) + varintSize(tree.right[n]!));
    if (leaf) bytes += classes * (t + id + 1 + 4);
  }
  return bytes;
}

/** Fits a forest (one tree when `trees` is 1: no bootstrap, the plain CART). */
export function fitTreeClassifier(X: number[][], y: number[], classes: readonly number[], options: ForestFitOptions = {}): TreeModel {
  const nTrees = options.trees ?? 1;
  const bootstrap = options.bootstrap ?? nTrees > 1;
  const yi = Uint8Array.from(y, (label) => {
    const k = classes.indexOf(label);
    if (k < 0) throw new Error(`label ${label} is not one of the classes ${classes.join(', ')}`);
    return k;
  });
  const data = binFeatures(X, options.maxBins ?? 32);
  const rnd = prng(options.seed ?? 7);
  const trees: DecisionTree[] = [];
  let totalBytes = 0;
  for (let t = 0; t < nTrees; t++) {
    const rows = bootstrap ? Array.from({ length: X.length }, () => Math.floor(rnd() * X.length)) : X.map((_, i) => i);
    const tree = fitTree(data, yi, classes.length, rows, { ...options, seed: Math.floor(rnd() * 2 ** 31) });
    trees.push(tree);
    totalBytes += treeAttributeBytes(tree, t, classes.length);
    if (options.maxTotalBytes !== undefined && totalBytes >= options.maxTotalBytes) break;
  }
  return { classes: [...classes], trees };
}

function leafOf(tree: DecisionTree, x: readonly number[]): number {
  let n = 0;
  while (tree.feature[n]! >= 0) n = x[tree.feature[n]!]! <= tree.threshold[n]! ? tree.left[n]! : tree.right[n]!;
  return n;
}

/**
 * Class scores as ONNX TreeEnsembleClassifier computes them: each leaf's class weight is its
 * probability divided by the number of trees (float32), summed tree by tree in float32.
 */
export function treeScores(model: TreeModel, x: readonly number[]): number[] {
  const xs = x.map(f32);
  const scores = new Array<number>(model.classes.length).fill(0);
  const n = model.trees.length;
  for (const tree of model.trees) {
    const probs = tree.leafProbabilities[leafOf(tree, xs)]!;
    for (let k = 0; k < scores.length; k++) scores[k] = f32(scores[k]! + f32(probs[k]! / n));
  }
  return scores;
}

export function predictTrees(model: TreeModel, x: readonly number[]): Prediction {
  const scores = treeScores(model, x);
  const k = argmaxFirst(scores);
  return { label: model.classes[k]!, probability: scores[k]! };
}

export function accuracy(predicted: readonly number[], actual: readonly number[]): number {
  let ok = 0;
  for (let i = 0; i < actual.length; i++) if (predicted[i] === actual[i]) ok++;
  return ok / actual.length;
}

/** Share of the most frequent label: what always guessing it would score. */
export function majorityRate(labels: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return Math.max(...counts.values()) / labels.length;
}
