/** The demo's platforms: a Mastodon server and a Bluesky AppView on loopback, filled with a ministry's posts. */

import { FakeBluesky } from './platforms/bluesky.ts';
import { FakeMastodon } from './platforms/mastodon.ts';
import { type DemoData, type DemoPost, seedDemo } from './seed.ts';

export interface DemoPlatforms {
  mastodon: FakeMastodon;
  bluesky: FakeBluesky;
  data: DemoData;
  /** `host:port` of each platform: the only private addresses the demo's capture may reach. */
  hosts: string[];
  post(n: number): DemoPost;
  /** The platform changes the post's text (an edit with history on Mastodon, a record update on Bluesky). */
  edit(n: number, text?: string): DemoPost;
  /** The platform deletes the post. */
  remove(n: number): DemoPost;
  close(): Promise<void>;
}

export async function startDemoPlatforms(now = Date.now()): Promise<DemoPlatforms> {
  const mastodon = await FakeMastodon.start();
  const bluesky = await FakeBluesky.start().catch(async (err) => {
    await mastodon.close();
    throw err;
  });
  const data = seedDemo(mastodon, bluesky, now);
  const post = (n: number) => {
    const p = data.posts.find((x) => x.n === n);
    if (!p) throw new RangeError(`there is no demo post ${n} (1–${data.posts.length})`);
    return p;
  };
  return {
    mastodon,
    bluesky,
    data,
    hosts: [mastodon.host, new URL(bluesky.url).host],
    post,
    edit(n, text) {
      const p = post(n);
      const next = text ?? `${p.text} (aangepast)`;
      if (p.platform === 'mastodon') mastodon.editStatus(p.id, { content: `<p>${next}</p>` });
      else bluesky.updatePost(p.id, { text: next });
      p.text = next;
      return p;
    },
    remove(n) {
      const p = post(n);
      if (p.platform === 'mastodon') mastodon.deleteStatus(p.id);
      else bluesky.deletePost(p.id);
      return p;
    },
    async close() {
      await Promise.allSettled([mastodon.close(), bluesky.close()]);
    },
  };
}
