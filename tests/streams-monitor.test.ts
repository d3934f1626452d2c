import { afterAll, describe, expect, it } from 'vitest';
import { startShellDriver } from './drivers/shell.ts';
import { FakeBluesky } from './fakes/bluesky.ts';
import { query } from './helpers/archive.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

async function waitForAlert(h: Harness, kind: string, postUrl: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await query<{ kind: string; detected_at: string }>(
      h.dataDir,
      'SELECT a.kind, a.detected_at FROM alert a JOIN post p ON p.id = a.post_id WHERE p.url = ? AND a.kind = ?',
      [postUrl, kind],
    );
    if (rows.length) return rows[0]!;
    if (Date.now() > deadline) throw new Error(`no ${kind} alert for ${postUrl} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Streams in serve: an event from the platform's stream makes the monitor check the post at once,
 * long before its scheduled re-check (these posts are not due for minutes).
 */
describe('stream-triggered detection through serve', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers.reverse()) await c();
  });

  it('Mastodon: a delete on the user stream is seen within seconds', async () => {
    const h = await startHarness({}, { streamFromMastodon: true });
    closers.push(() => h.close());
    const shell = await startShellDriver(h);
    await shell.say(`archiveer ${h.post.url}`, { until: /SHA-256/ });
    const changedAt = Date.now();
    h.mastodon.deleteStatus(h.post.id);
    const alert = await waitForAlert(h, 'deleted', h.post.url);
    expect(Date.parse(alert.detected_at) - changedAt).toBeLessThan(10_000);
    await shell.close();
  });

  it('Bluesky Jetstream: deletes for watched accounts are seen, also those sent while the stream was down', async () => {
    const bsky = await FakeBluesky.start();
    closers.push(() => bsky.close());
    bsky.addAccount({ handle: 'minbzk.test' });
    const keep = bsky.addPost({ handle: 'minbzk.test', text: 'Blijft staan' });
    const first = bsky.addPost({ handle: 'minbzk.test', text: 'Wordt verwijderd terwijl de stream loopt' });
    const second = bsky.addPost({ handle: 'minbzk.test', text: 'Wordt verwijderd terwijl de stream weg is' });
    const h = await startHarness({
      ARCHIEFBOT_BSKY_APPVIEW_URL: bsky.url,
      ARCHIEFBOT_JETSTREAM_URL: bsky.jetstreamUrl,
    });
    closers.push(() => h.close());
    const shell = await startShellDriver(h);
    const watched = await shell.say('volg minbzk.test', { until: /wordt gevolgd/ });
    expect(watched.join('\n')).toMatch(/3 berichten veiliggesteld/);
    // The Jetstream client subscribes once the account is watched (the next sync of watches).
    const deadline = Date.now() + 15_000;
    while (bsky.jetstreamClients === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(bsky.jetstreamClients).toBeGreaterThan(0);

    const url = (uri: string) => `https://bsky.app/profile/minbzk.test/post/${uri.split('/').pop()}`;
    bsky.deletePost(first.uri);
    await waitForAlert(h, 'deleted', url(first.uri));

    bsky.dropJetstream();
    bsky.deletePost(second.uri); // while nobody is connected: replayed from the cursor after the reconnect
    await waitForAlert(h, 'deleted', url(second.uri), 15_000);
    const statuses = await query<{ url: string; status: string }>(
      h.dataDir,
      'SELECT url, status FROM post ORDER BY id',
    );
    expect(statuses.find((s) => s.url === url(keep.uri))?.status).toBe('live');
    await shell.close();
  });
});
