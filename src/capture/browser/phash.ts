/**
 * A perceptual hash of a screenshot: the 64-bit difference hash (dHash, after Neal Krawetz, "Kind of
 * like that", 2013). The PNG is decoded with pngjs, turned to grey, shrunk to 9×8 by averaging the
 * pixels of each cell, and each bit says whether a cell is brighter than its right neighbour. Two
 * renders of the same page differ in a few bits at most; a changed text block, picture or layout
 * flips many. Compared with `hammingDistance` against `browser.changeThreshold`.
 */
import { PNG } from 'pngjs';

const COLS = 9;
const ROWS = 8;

/** The dHash of a PNG as 16 hex digits. */
export function dHash(png: Buffer): string {
  const img = PNG.sync.read(png);
  const { width, height, data } = img;
  if (!width || !height) return '0'.repeat(16);
  const sums = new Float64Array(COLS * ROWS);
  const counts = new Uint32Array(COLS * ROWS);
  // Every pixel counts towards its cell (a box filter): a thin line of text still moves the mean.
  for (let y = 0; y < height; y++) {
    const row = Math.min(ROWS - 1, Math.floor((y * ROWS) / height));
    for (let x = 0; x < width; x++) {
      const col = Math.min(COLS - 1, Math.floor((x * COLS) / width));
      const i = (y * width + x) * 4;
      const alpha = data[i + 3]! / 255;
      // Transparent pixels are seen on white, as a browser shows them.
      const grey = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      sums[row * COLS + col]! += grey * alpha + 255 * (1 - alpha);
      counts[row * COLS + col]!++;
    }
  }
  let bits = 0n;
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < COLS - 1; c++) {
      const left = sums[r * COLS + c]! / Math.max(1, counts[r * COLS + c]!);
      const right = sums[r * COLS + c + 1]! / Math.max(1, counts[r * COLS + c + 1]!);
      bits = (bits << 1n) | (left > right ? 1n : 0n);
    }
  }
  return bits.toString(16).padStart(16, '0');
}

/** How many of the 64 bits two hashes (16 hex digits each) differ in. */
export function hammingDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}
