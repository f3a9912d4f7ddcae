/**
 * The generator's only source of randomness: mulberry32, a tiny seeded PRNG, plus the few helpers
 * the planner needs. Action `i` of a run draws from its own stream (`actionRng(seed, i)`), so what
 * one action happens to consume (which depends on what it found in Ongoing) never shifts the
 * choices of the actions after it.
 */

/** Uniform in [0, 1). */
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A well-mixed 32-bit seed for action `index` of a run seeded with `seed`. */
export function actionSeed(seed: number, index: number): number {
  let h = (seed >>> 0) ^ Math.imul(index + 1, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function actionRng(seed: number, index: number): Rng {
  return mulberry32(actionSeed(seed, index));
}

/** Whole number in [min, max]. */
export function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(rng() * items.length)]!;
}

/** A shuffled copy (Fisher–Yates). */
export function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Up to `n` distinct items in random order. */
export function sample<T>(rng: Rng, items: readonly T[], n: number): T[] {
  return shuffle(rng, items).slice(0, n);
}

/** One key, chosen with probability proportional to its weight; undefined when no weight is positive. */
export function weighted<K>(rng: Rng, entries: readonly (readonly [K, number])[]): K | undefined {
  const usable = entries.filter(([, w]) => w > 0 && Number.isFinite(w));
  const total = usable.reduce((s, [, w]) => s + w, 0);
  if (total <= 0) return undefined;
  let x = rng() * total;
  for (const [k, w] of usable) {
    x -= w;
    if (x < 0) return k;
  }
  return usable[usable.length - 1]![0];
}
