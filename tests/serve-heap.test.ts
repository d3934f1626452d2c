import { describe, expect, it } from 'vitest';
import { boundHeapGrowth, collectAfterStart, HEAP_GROWING_PERCENT } from '../src/serve.ts';

describe("serve bounds V8's old-space growth (a flat RSS under chat load)", () => {
  it('sets its own growing percent, unless node was started with one (the operator wins)', () => {
    expect(boundHeapGrowth(['--inspect'])).toBe(HEAP_GROWING_PERCENT);
    expect(boundHeapGrowth(['--heap-growing-percent=0'])).toBeNull();
    expect(boundHeapGrowth(['--heap_growing_percent=80'])).toBeNull();
  });

  it("collects once after start-up without handing `gc` to the process's own code", () => {
    const before = typeof (globalThis as { gc?: unknown }).gc;
    collectAfterStart();
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe(before);
  });
});
