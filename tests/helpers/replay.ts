/**
 * What the replay tests share: waiting for ReplayWeb.page to show an archived page. Its service worker
 * loads the WACZ and then renders the page in a frame whose address has `mp_/` in it.
 */
import type { Frame, Page } from 'playwright-core';

/**
 * The replayed frame whose text contains `text`, polling every 250 ms up to `tries` times; undefined if
 * none shows it. With `reloadAt`, the tab is reloaded once at that try (the service worker is installed
 * on the first load, and on a loaded machine the frame can miss it, as a reader would reload).
 */
export async function replayedFrame(
  tab: Page,
  text: string,
  { tries = 160, reloadAt }: { tries?: number; reloadAt?: number } = {},
): Promise<Frame | undefined> {
  for (let i = 0; i < tries; i++) {
    if (i === reloadAt) await tab.reload().catch(() => {});
    for (const f of tab.frames()) {
      if (!f.url().includes('mp_/')) continue;
      const shown = await f.evaluate(() => document.body?.innerText ?? '').catch(() => '');
      if (shown.includes(text)) return f;
    }
    await tab.waitForTimeout(250);
  }
  return undefined;
}
