/**
 * The lab's customer data (Synapse workshop, "AutoML with Spark"): a customer key, eight features
 * and a `Rating` label that depends on them. Deterministic for a given seed, so the local pool's
 * seed table, the sample models fitted to it and the tests all see the same rows.
 */

/** The eight model features, in the lab's order. */
export const CUSTOMER_FEATURES = ['Cost', 'Size', 'Price', 'PrimaryBrandId', 'GenderId', 'MaritalStatus', 'LowerIncomeBound', 'UpperIncomeBound'] as const;
export type CustomerFeature = (typeof CUSTOMER_FEATURES)[number];

/** Features that are real numbers (the rest are integers). */
export const FLOAT_FEATURES: readonly CustomerFeature[] = ['Cost', 'Size', 'Price'];

/** The SQL columns of `wwi_ml.CustomerTest`, as the local pool's seed creates them. */
export const CUSTOMER_TEST_COLUMNS: readonly { name: string; sqlType: string }[] = [
  { name: 'CustomerKey', sqlType: 'int' },
  { name: 'Cost', sqlType: 'float' },
  { name: 'Size', sqlType: 'float' },
  { name: 'Price', sqlType: 'float' },
  { name: 'PrimaryBrandId', sqlType: 'int' },
  { name: 'GenderId', sqlType: 'int' },
  { name: 'MaritalStatus', sqlType: 'int' },
  { name: 'LowerIncomeBound', sqlType: 'int' },
  { name: 'UpperIncomeBound', sqlType: 'int' },
];

export interface Customer {
  CustomerKey: number;
  Cost: number;
  Size: number;
  Price: number;
  PrimaryBrandId: number;
  GenderId: number;
  MaritalStatus: number;
  LowerIncomeBound: number;
  UpperIncomeBound: number;
  /** The label, 1 (poor) to 5 (excellent). Not a column of CustomerTest. */
  Rating: number;
}

export const DEFAULT_SEED = 20_190_401;

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The label as a function of the features: what the sample models learn. Noise-free part. */
export function ratingScore(c: Omit<Customer, 'Rating' | 'CustomerKey'>): number {
  const margin = (c.Price - c.Cost) / c.Price; // 0.17 .. 0.67
  const income = (c.LowerIncomeBound + c.UpperIncomeBound) / 2 / 100_000; // 0.1 .. 1.9
  const brand = c.PrimaryBrandId % 4 === 0 ? 0.6 : c.PrimaryBrandId % 3 === 0 ? -0.4 : 0;
  return 1 + 3.2 * margin + 0.9 * income + brand + 0.06 * c.Size + (c.MaritalStatus === 2 ? 0.3 : 0) - (c.GenderId === 3 ? 0.2 : 0);
}

/** Generates `count` customers starting at key `firstKey` (1 by default), deterministically from `seed`. */
export function* generateCustomers(count: number, seed = DEFAULT_SEED, firstKey = 1): Generator<Customer> {
  const rnd = prng(seed);
  for (let i = 0; i < count; i++) {
    const Cost = round2(0.5 + rnd() * 49.5);
    const Size = round2(1 + rnd() * 9);
    const Price = round2(Cost * (1.2 + rnd() * 1.8));
    const PrimaryBrandId = 1 + Math.floor(rnd() * 20);
    const GenderId = 1 + Math.floor(rnd() * 3);
    const MaritalStatus = 1 + Math.floor(rnd() * 3);
    const LowerIncomeBound = Math.floor(rnd() * 9) * 20_000;
    const UpperIncomeBound = LowerIncomeBound + 19_999 + (rnd() < 0.2 ? 20_000 : 0);
    const features = { Cost, Size, Price, PrimaryBrandId, GenderId, MaritalStatus, LowerIncomeBound, UpperIncomeBound };
    const noisy = ratingScore(features) + (rnd() - 0.5) * 0.8;
    const Rating = Math.min(5, Math.max(1, Math.round(noisy)));
    yield { CustomerKey: firstKey + i, ...features, Rating };
  }
}
