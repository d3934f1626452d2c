import { afterAll, describe, expect, it } from 'vitest';
import {
  type Connector,
  type ConnectorFactory,
  canCheckPosts,
  canFetchPosts,
  canListAccounts,
  type PostSource,
  type PostTarget,
} from '../src/capture/connector.ts';
import { METHODS } from '../src/capture/methods.ts';
import { CapturePipeline } from '../src/capture/pipeline.ts';
import { CONNECTOR_FACTORIES } from '../src/capture/registry.ts';
import { loadConfig } from '../src/config.ts';
import { CaptureError } from '../src/domain/errors.ts';
import { describeError } from '../src/domain/i18n.ts';

const config = loadConfig({ ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'false' });
const pipelines: CapturePipeline[] = [];
afterAll(async () => {
  for (const p of pipelines) await p.close();
});

/** A pipeline for resolving URLs only: resolve never touches the archive or the network. */
function pipeline(factories?: ConnectorFactory[]): CapturePipeline {
  const p = new CapturePipeline(null as never, config, undefined, factories);
  pipelines.push(p);
  return p;
}

/** URLs each registered connector must take, with what it takes them as. */
const OWN: Record<string, [url: string, kind: 'post' | 'account'][]> = {
  mastodon: [
    ['https://social.overheid.nl/@minbzk/113456789012345678', 'post'],
    ['https://social.overheid.nl/@minbzk', 'account'],
    ['https://mastodon.social/users/Gargron/statuses/1', 'post'],
    ['https://mastodon.social/users/Gargron', 'account'],
  ],
  bluesky: [
    ['https://bsky.app/profile/minbzk.bsky.social/post/3kabcdefghij2', 'post'],
    ['https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx', 'account'],
  ],
  youtube: [
    ['https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'post'],
    ['https://youtu.be/dQw4w9WgXcQ', 'post'],
    ['https://www.youtube.com/shorts/dQw4w9WgXcQ', 'post'],
    ['https://m.youtube.com/@rijksoverheid', 'account'],
  ],
  x: [
    ['https://x.com/minbzk/status/1877000000000000000', 'post'],
    ['https://twitter.com/minbzk/status/1', 'post'],
    ['https://mobile.twitter.com/minbzk', 'account'],
  ],
  threads: [
    ['https://www.threads.net/@minbzk', 'account'],
    ['https://www.threads.com/@minbzk/post/C1a2b3', 'post'],
  ],
  linkedin: [
    ['https://www.linkedin.com/company/ministerie-van-bzk/', 'account'],
    ['https://www.linkedin.com/feed/update/urn:li:share:7200000000000000000/', 'post'],
  ],
  facebook: [
    ['https://www.facebook.com/minbzk', 'account'],
    ['https://www.facebook.com/minbzk/posts/123', 'post'],
    ['https://m.facebook.com/rijksoverheid', 'account'],
  ],
  instagram: [
    ['https://www.instagram.com/minbzk/', 'account'],
    ['https://www.instagram.com/p/C1a2b3c4d5e/', 'post'],
  ],
  web: [
    ['https://www.rijksoverheid.nl/actueel/nieuws/2025/01/07/kamerbrief', 'post'],
    ['https://example.org/', 'post'],
  ],
};

/** What Archiefbot names as supported when it refuses a platform. */
const SUPPORTED = 'Mastodon, Bluesky, YouTube, X, Facebook, Instagram, Threads, LinkedIn, web pages';

/** URLs of platforms without a connector, with the name the refusal gives them. */
const UNSUPPORTED: [url: string, platform: string][] = [
  ['https://www.tiktok.com/@rijksoverheid/video/7300000000000000000', 'TikTok'],
  ['https://www.tiktok.com/@rijksoverheid', 'TikTok'],
  ['https://vm.tiktok.com/ZMabc123/', 'TikTok'],
];

function refusal(fn: () => unknown): CaptureError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CaptureError);
    return err as CaptureError;
  }
  throw new Error('expected a refusal');
}

describe('the connector registry', () => {
  it('lists the connectors in order: platforms with their own hosts, then the refusals, then the rest, web last', () => {
    const names = CONNECTOR_FACTORIES.map((f) => f.name);
    expect(names).toEqual([
      'youtube',
      'x',
      'threads',
      'linkedin',
      'facebook',
      'instagram',
      'unsupported',
      'mastodon',
      'bluesky',
      'browser',
      'web',
    ]);
    // Mastodon matches `/@name` on any host (also Threads' and YouTube's profile paths): it comes after them.
    expect(names.indexOf('mastodon')).toBeGreaterThan(names.indexOf('threads'));
    expect(names.indexOf('mastodon')).toBeGreaterThan(names.indexOf('youtube'));
    expect(pipeline().connectors).toHaveLength(CONNECTOR_FACTORIES.length);
  });

  it('tells each connector’s capabilities by its type guards', () => {
    const byName = Object.fromEntries(CONNECTOR_FACTORIES.map((f) => [f.name, f.create(config)]));
    const caps = (c: Connector) => [canFetchPosts(c), canListAccounts(c), canCheckPosts(c)];
    expect(caps(byName.unsupported!)).toEqual([false, false, false]);
    expect(caps(byName.mastodon!)).toEqual([true, true, true]);
    expect(caps(byName.bluesky!)).toEqual([true, true, true]);
    for (const name of ['youtube', 'x', 'threads', 'linkedin', 'facebook', 'instagram'])
      expect(caps(byName[name]!), name).toEqual([true, true, true]);
    // The browser takes no URL by itself (the pipeline chooses it); it re-checks what it captured.
    expect(caps(byName.browser!)).toEqual([true, false, true]);
    expect(caps(byName.web!)).toEqual([true, false, false]);
  });

  it('gives every URL to its own connector, as a post or an account', () => {
    const p = pipeline();
    for (const [name, samples] of Object.entries(OWN)) {
      const own = p.connectors[CONNECTOR_FACTORIES.findIndex((f) => f.name === name)];
      for (const [url, kind] of samples) {
        const resolved = p.resolve(url);
        expect(resolved.connector, url).toBe(own);
        expect(resolved.kind, url).toBe(kind);
        expect(resolved.target.url).toBe(url);
      }
    }
    // Inputs that are not URLs are rewritten by the connector that knows them.
    expect(p.resolve('at://did:plc:abc/app.bsky.feed.post/3kabc').target.url).toBe(
      'https://bsky.app/profile/did:plc:abc/post/3kabc',
    );
  });

  it('lets no connector take a URL that belongs to one after it', () => {
    const connectors = CONNECTOR_FACTORIES.map((f) => ({ name: f.name, connector: f.create(config) }));
    connectors.forEach(({ name, connector }, i) => {
      const later = connectors.slice(i + 1).map((c) => c.name);
      const theirs = later.flatMap((n) => (OWN[n] ?? []).map(([url]) => url));
      expect(theirs.length > 0 || name === 'web').toBe(true);
      for (const url of theirs) expect(connector.match(new URL(url)), `${name} takes ${url}`).toBeNull();
    });
  });

  it('refuses platforms that have no connector yet, naming the platform and what is supported', () => {
    const p = pipeline();
    for (const [url, platform] of UNSUPPORTED) {
      const err = refusal(() => p.resolve(url));
      expect(err.code, url).toBe('unsupported-platform');
      expect(err.retryable).toBe(false);
      expect(err.vars).toEqual({
        platform,
        url: new URL(url).href,
        supported: SUPPORTED,
      });
    }
    const err = refusal(() => p.resolve('https://www.tiktok.com/@rijksoverheid/video/7300000000000000000'));
    expect(describeError(err, 'nl')).toContain('TikTok heeft nog geen koppeling in Archiefbot');
    expect(describeError(err, 'nl')).toContain('apt-get install chromium');
    expect(describeError(err, 'en')).toContain('TikTok has no connector in Archiefbot yet');
    // `show <url>` finds nothing for them, without an error.
    expect(p.lookupKeys('https://www.tiktok.com/@rijksoverheid/video/1')).toEqual([]);
  });

  it('refuses a profile URL of such a platform the same way (watch resolves it first: never "a post")', () => {
    const err = refusal(() => pipeline().resolve('https://www.tiktok.com/@rijksoverheid'));
    expect(err.code).toBe('unsupported-platform');
    expect(err.vars.platform).toBe('TikTok');
  });

  it('lets a connector added before `unsupported` take its platform', () => {
    const xPosts: Connector & PostSource = {
      platform: 'web',
      method: METHODS.web,
      match: (url) => (url.hostname === 'www.tiktok.com' ? { kind: 'post', url: url.href } : null),
      lookupKeys: () => [],
      fetchThread: () => Promise.reject(new Error('not in this test')),
    };
    const p = pipeline([{ name: 'tiktok', create: () => xPosts }, ...CONNECTOR_FACTORIES]);
    const resolved = p.resolve('https://www.tiktok.com/@rijksoverheid/video/1');
    expect(resolved.connector).toBe(xPosts);
    expect((resolved.target as PostTarget).url).toBe('https://www.tiktok.com/@rijksoverheid/video/1');
    // What it cannot do is refused clearly, not passed on to the web fallback.
    const xAccounts: Connector = {
      match: (url) => (url.hostname === 'www.tiktok.com' ? { kind: 'account', url: url.href } : null),
    };
    const q = pipeline([{ name: 'tiktok', create: () => xAccounts }, ...CONNECTOR_FACTORIES]);
    const err = refusal(() => q.resolve('https://www.tiktok.com/@rijksoverheid'));
    expect(err.code).toBe('unsupported-url');
    expect(err.retryable).toBe(false);
    expect(err.vars).toEqual({ url: 'https://www.tiktok.com/@rijksoverheid' });
  });

  it('refuses what is not a URL and blocked addresses at once, with the vars their sentences need', () => {
    const p = pipeline();
    const notUrl = refusal(() => p.resolve('niet-een-url'));
    expect([notUrl.code, notUrl.retryable, notUrl.vars]).toEqual([
      'unsupported-url',
      false,
      { url: 'niet-een-url' },
    ]);
    const blocked = refusal(() => p.resolve('http://127.0.0.1/x'));
    expect([blocked.code, blocked.retryable, blocked.vars.host]).toEqual([
      'blocked-address',
      false,
      '127.0.0.1',
    ]);
  });
});
