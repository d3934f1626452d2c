/** The ingest planner on its own: no HTTP, no database, no disk. */
import { describe, expect, it } from 'vitest';
import { contentHash, sha256Hex } from '../src/domain/content.ts';
import type { Exchange } from '../src/domain/exchange.ts';
import { accountKey, postKey } from '../src/domain/post-key.ts';
import type { Appraisal, NormalisedPost, PostContent } from '../src/domain/types.ts';
import { type Existing, type PlanContext, planIngest } from '../src/store/ingest/plan.ts';
import type { IngestInput } from '../src/store/ingest/types.ts';

const NOW = '2026-03-01T12:00:00.000Z';
/** When the archive last saw the content it holds (a capture or an unchanged re-check). */
const SEEN = '2026-02-28T09:00:00.000Z';
const CTX: PlanContext = { captureId: 7, now: NOW, recheckSchedule: null };
const GIF = Buffer.from('474946383961010001000000002c00000000010001000002024401003b', 'hex');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

function content(text: string, media: PostContent['media'] = []): PostContent {
  return {
    text,
    html: `<p>${text}</p>`,
    title: null,
    spoilerText: '',
    sensitive: false,
    visibility: 'public',
    language: 'nl',
    media,
  };
}

function image(n: number, description: string | null = null) {
  return { key: `m${n}`, url: `https://m.example/media/${n}.png`, type: 'image' as const, description };
}

function post(id: string, text: string, extra: Partial<NormalisedPost> = {}): NormalisedPost {
  return {
    platform: 'mastodon',
    platformId: `https://m.example/users/rvo/statuses/${id}`,
    url: `https://m.example/@rvo/${id}`,
    apiRef: `https://m.example/api/v1/statuses/${id}`,
    account: {
      platform: 'mastodon',
      handle: 'rvo@m.example',
      platformId: 'm.example:1',
      displayName: 'RVO',
      url: 'https://m.example/@rvo',
    },
    kind: 'post',
    parentPlatformId: null,
    createdAt: '2026-02-01T10:00:00.000Z',
    editedAt: null,
    content: content(text),
    counts: { replies: 0 },
    history: null,
    sourceUrl: `https://m.example/api/v1/statuses/${id}`,
    ...extra,
  };
}

const citizen = {
  platform: 'mastodon' as const,
  handle: 'iemand@m.example',
  platformId: null,
  displayName: null,
  url: null,
};

function exchange(url: string, body: Buffer | string, extra: Partial<Exchange> = {}): Exchange {
  return {
    method: 'GET',
    url,
    requestHeaders: [],
    status: 200,
    statusText: 'OK',
    responseHeaders: [['Content-Type', 'application/json']],
    body: Buffer.from(body),
    date: '2026-03-01T11:59:00.000Z',
    purpose: 'api',
    ...extra,
  };
}

function media(url: string, body: Buffer, type = 'image/png'): Exchange {
  return exchange(url, body, { purpose: 'media', responseHeaders: [['content-type', type]] });
}

function input(posts: IngestInput['posts'], exchanges: Exchange[] = [], extra: Partial<IngestInput> = {}) {
  return {
    url: 'https://m.example/@rvo/1',
    trigger: 'command' as const,
    requestedBy: 'cli:tester',
    channel: null,
    method: { id: 'api' as const, label: 'API', captures: [], misses: ['views'] },
    posts,
    exchanges,
    ...extra,
  };
}

function nothingHeld(): Existing {
  return { posts: new Map(), media: new Map(), accountRoles: new Map() };
}

/** The archive holds `p` with one version per content, numbered from 1 (version ids 100, 101, …). */
function holding(p: NormalisedPost, ...contents: { content: PostContent; at?: string | null }[]): Existing {
  const held = nothingHeld();
  held.posts.set(postKey(p), {
    id: 1,
    versions: contents.map((c, i) => ({
      id: 100 + i,
      number: i + 1,
      hash: contentHash(c.content),
      validFrom: c.at ?? null,
    })),
    seenAt: SEEN,
  });
  return held;
}

describe('planIngest: versions', () => {
  it('gives a new post version 1, documented by its version record', () => {
    const p = post('1', 'Subsidie open');
    const plan = planIngest(input([{ post: p, role: 'main' }]), nothingHeld(), CTX);
    expect(plan.posts).toHaveLength(1);
    const [planned] = plan.posts;
    expect(planned!.newVersions.map((v) => [v.number, v.origin, v.validFrom])).toEqual([
      [1, 'capture', p.createdAt],
    ]);
    expect(planned!.current).toEqual({ number: 1, hash: contentHash(p.content) });
    expect(planned!.status).toBe('live');
    expect(planned!.sighting).toBeNull();
    expect(planned!.evidence).toBe(planned!.newVersions[0]!.metadata);
    expect(plan.metadata[planned!.evidence]!.uri).toBe(
      `urn:archiefbot:mastodon:version:${encodeURIComponent(p.platformId)}:1`,
    );
    expect(plan.metadata[planned!.evidence]!.doc).toMatchObject({
      type: 'archiefbot/post-version',
      version: { number: 1, origin: 'capture', contentHash: contentHash(p.content) },
      provenance: {
        capture: 7,
        trigger: 'command',
        requestedBy: 'cli:tester',
        capturedAt: NOW,
        method: 'api',
      },
    });
  });

  it('records the same content again as a sighting of the version held, with an observation record', () => {
    const p = post('1', 'Subsidie open');
    const plan = planIngest(input([{ post: p, role: 'main' }]), holding(p, { content: p.content }), CTX);
    const [planned] = plan.posts;
    expect(planned!.newVersions).toEqual([]);
    expect(planned!.current.number).toBe(1);
    expect(planned!.sighting).toEqual({ versionId: 100 });
    expect(plan.metadata).toHaveLength(1);
    expect(plan.metadata[planned!.evidence]!.uri).toContain(':observation:');
    expect(plan.metadata[planned!.evidence]!.doc).toMatchObject({
      type: 'archiefbot/post-observation',
      version: { number: 1, validFrom: null },
    });
  });

  it('gives changed content a new version and marks the post edited', () => {
    const before = post('1', 'Subsidie open');
    const after = post('1', 'Subsidie open tot 1 april', { editedAt: '2026-02-20T08:00:00.000Z' });
    const plan = planIngest(
      input([{ post: after, role: 'main' }]),
      holding(before, { content: before.content }),
      CTX,
    );
    const [planned] = plan.posts;
    expect(planned!.newVersions.map((v) => [v.number, v.validFrom, v.text])).toEqual([
      [2, '2026-02-20T08:00:00.000Z', 'Subsidie open tot 1 april'],
    ]);
    expect(planned!.status).toBe('edited');
    expect(planned!.sighting).toBeNull();
  });

  it('dates a change the platform did not date by the window it was found in', () => {
    const before = post('1', 'Subsidie open');
    const after = post('1', 'Subsidie gesloten');
    const plan = planIngest(
      input([{ post: after, role: 'main' }]),
      holding(before, { content: before.content, at: before.createdAt }),
      CTX,
    );
    const [planned] = plan.posts;
    // After the last sighting of the old text, no later than this capture.
    expect(planned!.newVersions.map((v) => [v.number, v.validFrom, v.validFromLatest])).toEqual([
      [2, SEEN, NOW],
    ]);
    expect(planned!.status).toBe('edited');
    expect(plan.metadata[planned!.evidence]!.doc).toMatchObject({
      version: { number: 2, validFrom: SEEN, validFromLatest: NOW },
    });
  });

  it('treats an edited_at the version held already has as no date for the new change', () => {
    const at = '2026-02-20T08:00:00.000Z';
    const before = post('1', 'Subsidie open tot 1 april', { editedAt: at });
    const after = post('1', 'Subsidie open tot 1 mei', { editedAt: at });
    const plan = planIngest(
      input([{ post: after, role: 'main' }]),
      holding(before, { content: post('1', 'Subsidie open').content }, { content: before.content, at }),
      CTX,
    );
    expect(plan.posts[0]!.newVersions.map((v) => [v.number, v.validFrom, v.validFromLatest])).toEqual([
      [3, SEEN, NOW],
    ]);
  });

  it('keeps the exact time of a change the platform dated, and of a first version', () => {
    const before = post('1', 'Subsidie open');
    const after = post('1', 'Subsidie gesloten', { editedAt: '2026-02-20T08:00:00.000Z' });
    const edited = planIngest(
      input([{ post: after, role: 'main' }]),
      holding(before, { content: before.content, at: before.createdAt }),
      CTX,
    );
    expect(edited.posts[0]!.newVersions.map((v) => [v.validFrom, v.validFromLatest])).toEqual([
      ['2026-02-20T08:00:00.000Z', null],
    ]);
    expect(edited.metadata[edited.posts[0]!.evidence]!.doc.version).not.toHaveProperty('validFromLatest');
    const fresh = planIngest(input([{ post: before, role: 'main' }]), nothingHeld(), CTX);
    expect(fresh.posts[0]!.newVersions.map((v) => [v.validFrom, v.validFromLatest])).toEqual([
      [before.createdAt, null],
    ]);
  });

  it('ignores counters and markup: a changed like count makes no version', () => {
    const before = post('1', 'Subsidie open');
    const after = {
      ...before,
      counts: { replies: 9, favourites: 40 },
      content: { ...before.content, html: '<b>x</b>' },
    };
    const plan = planIngest(
      input([{ post: after, role: 'main' }]),
      holding(before, { content: before.content }),
      CTX,
    );
    expect(plan.posts[0]!.newVersions).toEqual([]);
  });

  it("turns the platform's edit history into versions in order, marked platform-history", () => {
    const history = [
      { at: '2026-02-01T10:00:00.000Z', content: content('eerste') },
      { at: '2026-02-02T10:00:00.000Z', content: content('tweede') },
      { at: '2026-02-03T10:00:00.000Z', content: content('derde') },
    ];
    const p = post('1', 'derde', { history, editedAt: '2026-02-03T10:00:00.000Z' });
    const plan = planIngest(input([{ post: p, role: 'main' }]), nothingHeld(), CTX);
    const versions = plan.posts[0]!.newVersions;
    expect(versions.map((v) => [v.number, v.origin, v.validFrom, v.text])).toEqual([
      [1, 'platform-history', '2026-02-01T10:00:00.000Z', 'eerste'],
      [2, 'platform-history', '2026-02-02T10:00:00.000Z', 'tweede'],
      [3, 'capture', '2026-02-03T10:00:00.000Z', 'derde'],
    ]);
    // One version record each, in the same order; the last documents the capture.
    expect(versions.map((v) => v.metadata)).toEqual([0, 1, 2]);
    expect(plan.posts[0]!.evidence).toBe(2);
    expect(plan.posts[0]!.status).toBe('edited');
  });

  it('adds only the history entries the archive does not hold yet', () => {
    const first = { at: '2026-02-01T10:00:00.000Z', content: content('eerste') };
    const second = { at: '2026-02-02T10:00:00.000Z', content: content('tweede') };
    const p = post('1', 'derde', {
      history: [first, second, { at: '2026-02-03T10:00:00.000Z', content: content('derde') }],
      editedAt: '2026-02-03T10:00:00.000Z',
    });
    const held = holding(p, first, second);
    const plan = planIngest(input([{ post: p, role: 'main' }]), held, CTX);
    expect(plan.posts[0]!.newVersions.map((v) => [v.number, v.origin, v.text])).toEqual([
      [3, 'capture', 'derde'],
    ]);
  });
});

describe('planIngest: posts', () => {
  it('keeps a post seen twice in one input once, with the first role', () => {
    const main = post('1', 'Hoofdbericht');
    const reply = post('2', 'Mooi!', { account: citizen, kind: 'reply', parentPlatformId: main.platformId });
    const plan = planIngest(
      input([
        { post: main, role: 'main' },
        { post: reply, role: 'reply' },
        { post: main, role: 'account' },
        { post: reply, role: 'account' },
      ]),
      nothingHeld(),
      CTX,
    );
    expect(plan.posts.map((p) => [p.post.platformId, p.role])).toEqual([
      [main.platformId, 'main'],
      [reply.platformId, 'reply'],
    ]);
    expect(plan.metadata).toHaveLength(2);
    expect(plan.accounts.map((a) => a.handle)).toEqual(['rvo@m.example', 'iemand@m.example']);
  });

  it("links a reply to its parent in its record and keeps the parent's own identity apart", () => {
    const main = post('1', 'Hoofdbericht');
    const reply = post('2', 'Waar?', { account: citizen, kind: 'reply', parentPlatformId: main.platformId });
    const plan = planIngest(
      input([
        { post: main, role: 'main' },
        { post: reply, role: 'reply' },
      ]),
      nothingHeld(),
      CTX,
    );
    const planned = plan.posts[1]!;
    expect(planned.role).toBe('reply');
    expect(planned.key).toBe(postKey(reply));
    expect(planned.key).not.toBe(postKey(main));
    expect(plan.metadata[planned.evidence]!.doc).toMatchObject({
      post: { kind: 'reply', parent: main.platformId, account: { handle: 'iemand@m.example' } },
    });
  });

  it('tells posts of different platforms with the same id apart', () => {
    const a = post('1', 'Zelfde id');
    const b = { ...a, platform: 'bluesky' as const };
    const plan = planIngest(
      input([
        { post: a, role: 'main' },
        { post: b, role: 'reply' },
      ]),
      holding(a, { content: a.content }),
      CTX,
    );
    expect(plan.posts.map((p) => [p.post.platform, p.newVersions.length])).toEqual([
      ['mastodon', 0],
      ['bluesky', 1],
    ]);
  });

  it('schedules the first re-check of checkable platforms only', () => {
    const page = { ...post('1', 'Pagina'), platform: 'web' as const, kind: 'page' as const };
    const toot = post('2', 'Toot', { createdAt: '2026-03-01T11:30:00.000Z' });
    const posts: IngestInput['posts'] = [
      { post: page, role: 'main' },
      { post: toot, role: 'reply' },
    ];
    expect(planIngest(input(posts), nothingHeld(), CTX).posts.map((p) => p.nextCheck)).toEqual([null, NOW]);
    const scheduled = planIngest(input(posts), nothingHeld(), {
      ...CTX,
      recheckSchedule: [{ maxAgeHours: 1, everySeconds: 60 }, { everySeconds: 3600 }],
    });
    expect(scheduled.posts.map((p) => p.nextCheck)).toEqual([null, '2026-03-01T12:01:00.000Z']);
  });
});

describe('planIngest: exchanges and media', () => {
  it('stores a new payload once and revisits one the archive or this capture already holds', () => {
    const held = nothingHeld();
    const gifSha = sha256Hex(GIF);
    held.media.set(gifSha, {
      recordId: '<urn:uuid:held>',
      url: 'https://m.example/media/0.gif',
      date: 'then',
    });
    const p = post('1', 'Drie plaatjes', {
      content: content('Drie plaatjes', [image(1), image(2), image(3)]),
    });
    const plan = planIngest(
      input(
        [{ post: p, role: 'main' }],
        [
          exchange('https://m.example/api/v1/statuses/1', '{}'),
          media('https://m.example/media/1.png', GIF, 'image/gif'),
          media('https://m.example/media/2.png', PNG),
          media('https://m.example/media/3.png', PNG),
        ],
      ),
      held,
      CTX,
    );
    expect(plan.exchanges.map((e) => e.media)).toEqual([
      null,
      {
        sha256: gifSha,
        mime: 'image/gif',
        type: 'image',
        revisitOf: {
          stored: { recordId: '<urn:uuid:held>', url: 'https://m.example/media/0.gif', date: 'then' },
        },
      },
      { sha256: sha256Hex(PNG), mime: 'image/png', type: 'image', revisitOf: null },
      { sha256: sha256Hex(PNG), mime: 'image/png', type: 'image', revisitOf: { exchange: 2 } },
    ]);
    expect(plan.media).toEqual({ stored: 1, revisits: 2 });
    // The version lists each item with the digest of the payload captured for its URL.
    expect(plan.posts[0]!.newVersions[0]!.archived.media.map((m) => m.sha256)).toEqual([
      gifSha,
      sha256Hex(PNG),
      sha256Hex(PNG),
    ]);
  });

  it('leaves the digest out for media that were not captured', () => {
    const p = post('1', 'Plaatje', { content: content('Plaatje', [image(1, 'logo')]) });
    const plan = planIngest(input([{ post: p, role: 'main' }]), nothingHeld(), CTX);
    expect(plan.posts[0]!.newVersions[0]!.archived.media).toEqual([{ ...image(1, 'logo'), sha256: null }]);
    expect(plan.media).toEqual({ stored: 0, revisits: 0 });
  });

  it("refers each post's record to the response it was read from, never to a failed one", () => {
    const a = post('1', 'Een');
    const b = post('2', 'Twee');
    const plan = planIngest(
      input(
        [
          { post: a, role: 'main' },
          { post: b, role: 'reply' },
        ],
        [
          exchange(a.sourceUrl!, '{"v":1}'),
          exchange(b.sourceUrl!, 'weg', { status: 404, statusText: 'Not Found' }),
          exchange(a.sourceUrl!, '{"v":2}'),
        ],
      ),
      nothingHeld(),
      CTX,
    );
    expect(plan.metadata.map((m) => m.source)).toEqual([{ exchange: 2, url: a.sourceUrl }, null]);
  });
});

describe('planIngest: appraisal and capture', () => {
  const appraisal = (rule: string): Appraisal => ({
    valuation: 'V',
    rule,
    termYears: 10,
    inference: false,
    reason: rule,
    basis: [],
  });

  it('appraises new versions and the main post, with the role held for the account', () => {
    const main = post('1', 'Hoofdbericht');
    const seen = post('2', 'Al bekend');
    const fresh = post('3', 'Nieuw', { account: citizen });
    const held = holding(seen, { content: seen.content });
    held.accountRoles.set(accountKey(main.account), 'corporate');
    const calls: string[] = [];
    const plan = planIngest(
      input(
        [
          { post: main, role: 'main' },
          { post: seen, role: 'reply' },
          { post: fresh, role: 'reply' },
        ],
        [],
        {
          appraise: (p, role, accountRole) => {
            calls.push(`${p.platformId.at(-1)} ${role} ${accountRole}`);
            return appraisal(`${role}/${accountRole}`);
          },
        },
      ),
      held,
      CTX,
    );
    expect(calls).toEqual(['1 main corporate', '3 reply other']);
    expect(plan.posts.map((p) => p.appraisal?.rule ?? null)).toEqual(['main/corporate', null, 'reply/other']);
  });

  it('opens a capture, or continues a backfill with its progress', () => {
    const p = post('1', 'Een');
    expect(planIngest(input([{ post: p, role: 'main' }]), nothingHeld(), CTX).capture).toMatchObject({
      id: 7,
      opened: true,
      now: NOW,
    });
    const page = planIngest(
      input([{ post: p, role: 'account' }], [], {
        trigger: 'backfill',
        captureId: 7,
        backfill: { id: 3, cursor: 'c2', done: false },
      }),
      nothingHeld(),
      CTX,
    );
    expect(page.capture.opened).toBe(false);
    expect(page.backfill).toEqual({ id: 3, cursor: 'c2', done: false });
  });

  it('plans nothing but the exchanges for an input without posts', () => {
    const plan = planIngest(input([], [exchange('https://m.example/api/v1/x', '[]')]), nothingHeld(), CTX);
    expect(plan.posts).toEqual([]);
    expect(plan.metadata).toEqual([]);
    expect(plan.accounts).toEqual([]);
    expect(plan.exchanges).toHaveLength(1);
  });
});
