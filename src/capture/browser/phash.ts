/**
 * A perceptual hash of a screenshot, 128 bits as 32 hex digits: a difference hash (dHash, after Neal
 * Krawetz, "Kind of like that", 2013) and an average hash (aHash) side by side. The PNG is decoded
 * with pngjs and turned to grey. dHash: shrunk to 9×8 cells by averaging the pixels of each cell, each
 * bit says whether a cell is brighter than its right neighbour (the layout of text and pictures).
 * aHash: 8×8 cells, each bit says whether a cell is brighter than the mean (a picture or a band of
 * colour added above the text, which dHash, comparing across only, can miss). A cell must be brighter
 * by more than one grey level, so the blank areas of a page do not flip bits on rendering noise. Two
 * renders of the same page differ in a few bits at most; a changed text block, picture or layout flips
 * many. Compared with `hammingDistance` against `browser.changeThreshold`.
 */
import { PNG } from 'pngjs';

/** Mean grey of each cell of a cols×rows grid over the image (transparent pixels seen on white). */
function cells(img: PNG, cols: number, rows: number): Float64Array {
  const { width, height, data } = img;
  const sums = new Float64Array(cols * rows);
  const counts = new Uint32Array(cols * rows);
  for (let y = 0; y < height; y++) {
    const row = Math.min(rows - 1, Math.floor((y * rows) / height));
    for (let x = 0; x < width; x++) {
      const col = Math.min(cols - 1, Math.floor((x * cols) / width));
      const i = (y * width + x) * 4;
      const alpha = data[i + 3]! / 255;
      const grey = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      sums[row * cols + col]! += grey * alpha + 255 * (1 - alpha);
      counts[row * cols + col]!++;
    }
  }
  return sums.map((v, i) => v / Math.max(1, counts[i]!));
}

/** Brighter means brighter by more than this many grey levels (of 255). */
const NOISE = 1;

/** The hash of a PNG as 32 hex digits: 64 bits of dHash, then 64 of aHash. */
export function dHash(png: Buffer): string {
  const img = PNG.sync.read(png);
  if (!img.width || !img.height) return '0'.repeat(32);
  let bits = 0n;
  const wide = cells(img, 9, 8);
  for (let r = 0; r < 8; r++)
    for (let c = 0; c < 8; c++)
      bits = (bits << 1n) | (wide[r * 9 + c]! > wide[r * 9 + c + 1]! + NOISE ? 1n : 0n);
  const grid = cells(img, 8, 8);
  const mean = grid.reduce((a, b) => a + b, 0) / grid.length;
  for (const v of grid) bits = (bits << 1n) | (v > mean + NOISE ? 1n : 0n);
  return bits.toString(16).padStart(32, '0');
}

/** How many bits two hashes (hex digits, the same length) differ in. */
export function hammingDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}
