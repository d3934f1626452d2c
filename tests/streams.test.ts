import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createJetstream, type Jetstream } from '../src/monitor/jetstream.ts';
import { createMastodonStream } from '../src/monitor/mastodon-stream.ts';
import { backoffDelay, type PostStream, type StreamEvent } from '../src/monitor/streams.ts';
import { FakeBluesky } from './fakes/bluesky.ts';
import { FakeMastodon } from './fakes/mastodon.ts';

const FAST = { minMs: 40, maxMs: 320 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}
function memoryLog() {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return { log, lines };
}

/** Streams started by a test, stopped after it even when it fails. */
const started: PostStream[] = [];
function track<T extends PostStream>(s: T): T {
  started.push(s);
  return s;
}
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
});

type Mastodon = Extract<StreamEvent, { platform: 'mastodon' }>;
type Bluesky = Extract<StreamEvent, { platform: 'bluesky' }>;

describe('backoffDelay', () => {
  it('doubles from minMs up to maxMs and takes off at most half at random', () => {
    const b = { minMs: 1000, maxMs: 60_000 };
    expect([0, 1, 2, 6, 7, 40].map((n) => backoffDelay(n, b, () => 0.999999))).toEqual([
      1000, 2000, 4000, 60_000, 60_000, 60_000,
    ]);
    expect([0, 1, 2, 6].map((n) => backoffDelay(n, b, () => 0))).toEqual([500, 1000, 2000, 30_000]);
  });
});

describe('Mastodon user stream', () => {
  let m: FakeMastodon;
  beforeEach(async () => {
    m = await FakeMastodon.start({ streamingTokens: ['tok'] });
    m.addAccount({ username: 'minbzk' });
  });
  afterEach(async () => {
    for (const s of started.splice(0)) await s.stop();
    await m.close();
  });
  const upgrades = () => m.requests.filter((r) => r.path.startsWith('/api/v1/streaming'));

  it('turns update, status.update and delete into create, update and delete events', async () => {
    const events: Mastodon[] = [];
    const s = track(
      createMastodonStream({
        baseUrl: m.url,
        token: 'tok',
        backoff: FAST,
        onEvent: (e) => void events.push(e as Mastodon),
      }),
    );
    await s.start();
    expect(s.name).toBe(`mastodon:${m.host}`);
    expect(s.connected).toBe(true);
    await vi.waitFor(() => expect(m.streamSubscribers('user')).toBe(1));
    // The instance was asked for its streaming URL first; the token went in the query and the header.
    const up = upgrades()[0]!;
    expect(m.requests.findIndex((r) => r.path === '/api/v2/instance')).toBeLessThan(m.requests.indexOf(up));
    expect(up.path).toBe('/api/v1/streaming?access_token=tok');
    expect(up.headers.authorization).toBe('Bearer tok');

    const a = m.addStatus({ username: 'minbzk', content: '<p>Eerste</p>' });
    m.editStatus(a.id, { content: '<p>Gewijzigd</p>' });
    m.addStatus({ username: 'minbzk', content: '<p>Alleen voor jou</p>', visibility: 'direct' });
    const b = m.addStatus({ username: 'minbzk', content: '<p>Tweede</p>' });
    m.deleteStatus(a.id);
    m.deleteStatus(b.id);
    await vi.waitFor(() => expect(events).toHaveLength(5));
    expect(events.map((e) => [e.kind, e.statusId])).toEqual([
      ['create', a.id],
      ['update', a.id],
      ['create', b.id],
      ['delete', a.id],
      ['delete', b.id],
    ]);
    for (const e of events) {
      expect(e.platform).toBe('mastodon');
      expect(e.host).toBe(m.host);
      expect(Date.parse(e.at)).toBeGreaterThan(Date.now() - 10_000);
    }
    const [create, update, , del] = events as [Mastodon, Mastodon, Mastodon, Mastodon];
    expect(create.kind === 'create' && create.uri).toBe(a.uri);
    expect(update.kind === 'update' && update.uri).toBe(a.uri);
    expect(update.kind === 'update' && update.status?.content).toBe('<p>Gewijzigd</p>');
    expect(update.kind === 'update' && update.status?.edited_at).toEqual(expect.any(String));
    // The wire only carries the bare id; the uri comes from the events seen before.
    expect(del).toMatchObject({ kind: 'delete', statusId: a.id, uri: a.uri });
    await s.stop();
    expect(s.connected).toBe(false);
    await vi.waitFor(() => expect(m.streamClients).toBe(0));
  });

  it('without a (valid) token the connect is refused and retried with growing back-off, without a crash', async () => {
    for (const token of ['', 'wrong']) {
      const { log, lines } = memoryLog();
      const onEvent = vi.fn();
      const before = upgrades().length;
      const s = track(createMastodonStream({ baseUrl: m.url, token, backoff: FAST, log, onEvent }));
      await s.start(); // resolves: the first attempt failed, and it keeps trying
      expect(s.connected).toBe(false);
      await vi.waitFor(() => expect(upgrades().length - before).toBeGreaterThanOrEqual(5), {
        timeout: 5_000,
      });
      await s.stop();
      const after = upgrades().length;
      await sleep(500);
      expect(upgrades().length).toBe(after); // no attempt after stop()
      expect(onEvent).not.toHaveBeenCalled();
      const refused = lines.filter((l) => l.msg === 'stream: connection refused or failed');
      expect(refused.length).toBeGreaterThanOrEqual(4);
      expect(String(refused[0]!.err)).toContain('HTTP 401');
      expect(String(refused[0]!.err)).toContain(token ? 'Invalid access token' : 'Missing access token');
      expect(JSON.stringify(lines)).not.toContain('access_token=');
      const delays = lines.filter((l) => l.msg === 'stream: reconnecting').map((l) => l.delayMs as number);
      delays.forEach((d, i) => {
        const cap = Math.min(FAST.maxMs, FAST.minMs * 2 ** i);
        expect(d).toBeGreaterThanOrEqual(cap / 2);
        expect(d).toBeLessThanOrEqual(cap);
      });
      expect(delays.length).toBeGreaterThanOrEqual(4);
    }
  });

  it('honours Retry-After when the streaming server answers 503', async () => {
    const { log, lines } = memoryLog();
    m.failNext(/^\/api\/v1\/streaming/, { status: 503, headers: { 'Retry-After': '1' } });
    const s = track(
      createMastodonStream({ baseUrl: m.url, token: 'tok', backoff: FAST, log, onEvent: vi.fn() }),
    );
    await s.start();
    expect(s.connected).toBe(false);
    const retry = lines.find((l) => l.msg === 'stream: reconnecting');
    expect(retry?.delayMs).toBe(1000);
    await vi.waitFor(() => expect(s.connected).toBe(true), { timeout: 3_000 });
  });

  it('after dropStreams() reconnects, logs the gap, and receives later events', async () => {
    const { log, lines } = memoryLog();
    const events: Mastodon[] = [];
    const gaps: { host: string; from: string; to: string }[] = [];
    const s = track(
      createMastodonStream({
        baseUrl: m.url,
        token: 'tok',
        backoff: FAST,
        log,
        onGap: (g) => void gaps.push(g),
        onEvent: (e) => void events.push(e as Mastodon),
      }),
    );
    await s.start();
    await vi.waitFor(() => expect(m.streamSubscribers()).toBe(1));
    const first = m.addStatus({ username: 'minbzk', content: '<p>Voor</p>' });
    await vi.waitFor(() => expect(events).toHaveLength(1));

    m.dropStreams();
    expect(m.streamClients).toBe(0);
    const lost = m.addStatus({ username: 'minbzk', content: '<p>Tijdens</p>' }); // nobody listening: no replay
    await vi.waitFor(() => expect(m.streamSubscribers()).toBe(1), { timeout: 5_000 });
    expect(upgrades()).toHaveLength(2);
    const later = m.addStatus({ username: 'minbzk', content: '<p>Na</p>' });
    m.editStatus(first.id, { content: '<p>Voor, gewijzigd</p>' });
    m.deleteStatus(later.id);
    await vi.waitFor(() => expect(events).toHaveLength(4));
    expect(events.map((e) => [e.kind, e.statusId])).toEqual([
      ['create', first.id],
      ['create', later.id],
      ['update', first.id],
      ['delete', later.id],
    ]);
    expect(events.some((e) => e.statusId === lost.id)).toBe(false);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.host).toBe(m.host);
    expect(Date.parse(gaps[0]!.from)).toBeLessThanOrEqual(Date.parse(gaps[0]!.to));
    expect(lines.some((l) => l.msg === 'stream: connection lost')).toBe(true);
    expect(lines.some((l) => l.level === 40 && /not delivered/.test(l.msg))).toBe(true);
  });

  it('cuts a connection that stops answering pings, and connects again', async () => {
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    await new Promise((r) => silent.once('listening', r));
    let connections = 0;
    silent.on('connection', () => connections++);
    const { log, lines } = memoryLog();
    const s = track(
      createMastodonStream({
        baseUrl: m.url,
        streamingUrl: `ws://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        token: 'tok',
        heartbeatMs: 100,
        backoff: FAST,
        log,
        onEvent: vi.fn(),
      }),
    );
    try {
      await s.start();
      await vi.waitFor(() => expect(connections).toBeGreaterThanOrEqual(2), { timeout: 3_000 });
      expect(lines.some((l) => /no answer to ping/.test(l.msg))).toBe(true);
      expect(m.requests.some((r) => r.path === '/api/v2/instance')).toBe(false); // streamingUrl given: not asked
    } finally {
      await s.stop();
      for (const c of silent.clients) c.terminate();
      await new Promise((r) => silent.close(r));
    }
  });

  it('fake: double-encoded payloads, bare-id deletes and the documented errors', async () => {
    const ws = new WebSocket(`${m.url.replace(/^http/, 'ws')}/api/v1/streaming?stream=user`, {
      headers: { authorization: 'Bearer tok' },
    });
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Record<string, unknown>));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribe', stream: 'nonsense' }));
    await vi.waitFor(() => expect(frames).toHaveLength(1));
    expect(frames[0]).toEqual({ error: 'Unknown stream type', status: 400 });
    const a = m.addStatus({ username: 'minbzk', content: '<p>x</p>' });
    m.deleteStatus(a.id);
    await vi.waitFor(() => expect(frames).toHaveLength(3));
    expect(frames[1]).toMatchObject({ stream: ['user'], event: 'update' });
    expect(typeof frames[1]!.payload).toBe('string');
    expect(JSON.parse(frames[1]!.payload as string)).toMatchObject({ id: a.id, uri: a.uri });
    expect(frames[2]).toEqual({ stream: ['user'], event: 'delete', payload: a.id });
    ws.close();

    const refusal = async (url: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string }>((resolve) => {
        const c = new WebSocket(url, { headers });
        c.on('error', () => {});
        c.on('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (x: Buffer) => (body += x));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body });
            c.terminate();
          });
        });
      });
    const base = `${m.url.replace(/^http/, 'ws')}/api/v1/streaming`;
    expect(await refusal(base)).toEqual({ status: 401, body: '{"error":"Missing access token"}' });
    expect(await refusal(`${base}?access_token=nope`)).toEqual({
      status: 401,
      body: '{"error":"Invalid access token"}',
    });
    expect(await refusal(`${base}?access_token=tok&stream=bogus`)).toEqual({
      status: 400,
      body: '{"error":"Unknown channel requested"}',
    });
  });
});

describe('Bluesky Jetstream', () => {
  let b: FakeBluesky;
  let watched: { did: string; handle: string };
  let other: { did: string; handle: string };
  beforeEach(async () => {
    b = await FakeBluesky.start();
    watched = b.addAccount({ handle: 'minbzk.bsky.social' });
    other = b.addAccount({ handle: 'iemand.bsky.social' });
  });
  afterEach(async () => {
    for (const s of started.splice(0)) await s.stop();
    await b.close();
  });
  const subscribes = () => b.requests.filter((r) => r.path.startsWith('/subscribe'));
  const cursorOf = (p: string) => new URL(p, 'ws://x').searchParams.get('cursor');

  function memoryCursor(initial: number | null = null) {
    const store = {
      value: initial,
      saves: [] as number[],
      load: async () => store.value,
      save: async (v: number) => {
        store.value = v;
        store.saves.push(v);
      },
    };
    return store;
  }
  function jetstream(
    events: Bluesky[],
    opts: Partial<Parameters<typeof createJetstream>[0]> & { cursor: ReturnType<typeof memoryCursor> },
  ): Jetstream {
    return track(
      createJetstream({
        url: b.jetstreamUrl,
        wantedDids: () => [watched.did],
        backoff: FAST,
        saveEveryMs: 50,
        onEvent: (e) => void events.push(e as Bluesky),
        ...opts,
      }),
    );
  }
  const keys = (events: Bluesky[]) => events.map((e) => `${e.kind} ${'uri' in e ? e.uri : e.did}`);

  it('receives create, update, delete and account events for the wanted DIDs only, and saves its cursor', async () => {
    const events: Bluesky[] = [];
    const cursor = memoryCursor();
    const js = jetstream(events, { cursor });
    await js.start();
    expect(js.connected).toBe(true);
    const url = new URL(subscribes()[0]!.path, 'ws://x');
    expect(url.searchParams.getAll('wantedCollections')).toEqual(['app.bsky.feed.post']);
    expect(url.searchParams.getAll('wantedDids')).toEqual([watched.did]);
    expect(url.searchParams.has('cursor')).toBe(false); // nothing saved yet: live tail

    const p = b.addPost({ handle: watched.handle, text: 'Een' });
    const q = b.addPost({ handle: other.handle, text: 'Van een ander' });
    b.updatePost(p.uri, { text: 'Een, bijgewerkt' });
    b.updatePost(q.uri, { text: 'Ander, bijgewerkt' });
    b.deletePost(q.uri);
    b.deletePost(p.uri);
    b.takedownAccount(other.handle);
    b.takedownAccount(watched.handle);
    const last = b.addPost({ handle: watched.handle, text: 'Laatste' });
    await vi.waitFor(() => expect(events).toHaveLength(5));
    expect(events.map((e) => e.kind)).toEqual(['create', 'update', 'delete', 'account', 'create']);
    expect(events.every((e) => e.did === watched.did && e.platform === 'bluesky')).toBe(true);
    const [create, update, del, account] = events as [Bluesky, Bluesky, Bluesky, Bluesky];
    expect(create).toMatchObject({ uri: p.uri, cid: p.cid, record: { text: 'Een' } });
    expect(update).toMatchObject({ uri: p.uri, record: { text: 'Een, bijgewerkt' } });
    expect(update.kind !== 'account' && update.cid).not.toBe(p.cid);
    expect(del).toMatchObject({ kind: 'delete', uri: p.uri });
    expect(del).not.toHaveProperty('record');
    expect(del).not.toHaveProperty('cid');
    expect(account).toEqual({
      platform: 'bluesky',
      kind: 'account',
      did: watched.did,
      active: false,
      status: 'takendown',
      at: expect.any(String),
      timeUs: expect.any(Number),
    });
    expect(events[4]).toMatchObject({ uri: last.uri });
    const times = events.map((e) => e.timeUs);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(new Set(times).size).toBe(times.length);

    await vi.waitFor(() => expect(cursor.saves.length).toBeGreaterThan(0));
    await js.stop();
    expect(js.connected).toBe(false);
    expect(cursor.value).toBe(b.jetstreamEvents.at(-1)!.time_us); // the final save, on stop
    expect(cursor.saves).toEqual([...cursor.saves].sort((x, y) => x - y));
    await vi.waitFor(() => expect(b.jetstreamClients).toBe(0));
  });

  it('after dropJetstream() resumes from its cursor, rewound, and gets every event missed meanwhile', async () => {
    const events: Bluesky[] = [];
    const cursor = memoryCursor();
    const js = jetstream(events, { cursor, rewindMs: 2_000 });
    await js.start();
    const before = [
      b.addPost({ handle: watched.handle, text: 'a' }),
      b.addPost({ handle: watched.handle, text: 'b' }),
    ];
    await vi.waitFor(() => expect(events).toHaveLength(2));
    const lastSeen = events[1]!.timeUs;

    b.dropJetstream();
    expect(b.jetstreamClients).toBe(0);
    // While the client is away:
    const during = [1, 2, 3].map((i) => b.addPost({ handle: watched.handle, text: `tijdens ${i}` }));
    b.addPost({ handle: other.handle, text: 'niet gevolgd' });
    b.updatePost(during[0]!.uri, { text: 'tijdens 1, bijgewerkt' });
    b.deletePost(before[0]!.uri);
    b.deletePost(during[1]!.uri);
    b.takedownAccount(watched.handle);

    await vi.waitFor(() => expect(subscribes()).toHaveLength(2), { timeout: 5_000 });
    // It asked for everything from its last handled event less the rewind.
    expect(Number(cursorOf(subscribes()[1]!.path))).toBe(lastSeen - 2_000_000);
    b.restoreAccount(watched.handle);
    const after = b.addPost({ handle: watched.handle, text: 'na' });

    const expected = b.jetstreamEvents
      .filter((e) => e.did === watched.did && e.kind !== 'identity')
      .map((e) =>
        e.kind === 'account'
          ? `account ${e.did}`
          : `${e.commit!.operation} at://${e.did}/${e.commit!.collection}/${e.commit!.rkey}`,
      );
    expect(expected).toHaveLength(11); // 2 before, 7 while away, 2 after
    await vi.waitFor(() => expect(new Set(keys(events))).toEqual(new Set(expected)), { timeout: 5_000 });
    expect(keys(events)).toContain(`create ${after.uri}`);
    expect(events.some((e) => e.did === other.did)).toBe(false);
    // The replayed overlap (the two events before the drop) was recognised, not handed over twice.
    expect(events).toHaveLength(expected.length);
    expect(events.filter((e) => e.kind === 'account').map((e) => e.kind === 'account' && e.active)).toEqual([
      false,
      true,
    ]);
  });

  it('events still queued when the socket drops are handed over once; the resume point is after them', async () => {
    const events: Bluesky[] = [];
    const js = jetstream(events, {
      cursor: memoryCursor(),
      onEvent: async (e) => {
        events.push(e as Bluesky);
        await sleep(40); // a slow handler: the rest wait in the queue
      },
    });
    await js.start();
    const posts = [1, 2, 3, 4, 5].map((i) => b.addPost({ handle: watched.handle, text: `bericht ${i}` }));
    await vi.waitFor(() => expect(events.length).toBeGreaterThanOrEqual(1));
    b.dropJetstream();
    const more = b.addPost({ handle: watched.handle, text: 'na de onderbreking' });
    await vi.waitFor(() => expect(keys(events)).toContain(`create ${more.uri}`), { timeout: 5_000 });
    await sleep(100);
    expect(subscribes()).toHaveLength(2);
    expect(keys(events)).toEqual([...posts, more].map((p) => `create ${p.uri}`));
    // It resumed after what it had received (queued or not), less the default 5 s rewind.
    const fifth = b.jetstreamEvents.find((e) => e.commit?.rkey === posts[4]!.rkey)!;
    expect(Number(cursorOf(subscribes()[1]!.path))).toBe(fifth.time_us - 5_000_000);
  });

  it('a restart resumes from the saved cursor: events emitted while stopped arrive', async () => {
    const cursor = memoryCursor();
    const first: Bluesky[] = [];
    // Saves are throttled to one a minute here, so only the save on stop() can hold the last event.
    const js1 = jetstream(first, { cursor, rewindMs: 1_000, saveEveryMs: 60_000 });
    await js1.start();
    await sleep(5); // the event's time_us after the live-from time saved on connect
    b.addPost({ handle: watched.handle, text: 'voor de stop' });
    await vi.waitFor(() => expect(first).toHaveLength(1));
    expect(cursor.value).not.toBe(first[0]!.timeUs);
    await js1.stop();
    const savedAt = cursor.value!;
    expect(savedAt).toBe(first[0]!.timeUs);

    const whileStopped = b.addPost({ handle: watched.handle, text: 'terwijl gestopt' });
    b.deletePost(whileStopped.uri);
    const second: Bluesky[] = [];
    const js2 = jetstream(second, { cursor, rewindMs: 1_000 });
    await js2.start();
    expect(Number(cursorOf(subscribes().at(-1)!.path))).toBe(savedAt - 1_000_000);
    await vi.waitFor(() =>
      expect(keys(second)).toEqual(
        expect.arrayContaining([`create ${whileStopped.uri}`, `delete ${whileStopped.uri}`]),
      ),
    );
  });

  it('refreshDids() updates the filter on the open socket; with no DIDs there is no connection', async () => {
    const events: Bluesky[] = [];
    let dids: string[] = [];
    const js = jetstream(events, { cursor: memoryCursor(), wantedDids: () => dids });
    await js.start();
    expect(js.connected).toBe(false); // an empty filter would be the whole network
    expect(subscribes()).toHaveLength(0);

    dids = [watched.did];
    js.refreshDids();
    await vi.waitFor(() => expect(js.connected).toBe(true));
    b.addPost({ handle: other.handle, text: 'nog niet gevolgd' });
    dids = [watched.did, other.did];
    js.refreshDids();
    await vi.waitFor(() => expect(b.jetstreamSubscriptions[0]?.dids.sort()).toEqual([...dids].sort()));
    const o = b.addPost({ handle: other.handle, text: 'nu wel gevolgd' });
    await vi.waitFor(() => expect(keys(events)).toEqual([`create ${o.uri}`]));
    expect(subscribes()).toHaveLength(1); // no reconnect for a filter change

    dids = [];
    js.refreshDids();
    await vi.waitFor(() => expect(b.jetstreamClients).toBe(0));
    expect(js.connected).toBe(false);
    await sleep(300);
    expect(subscribes()).toHaveLength(1);
    expect(b.jetstreamClients).toBe(0);
  });

  it('a long DID list goes in an options_update (requireHello) instead of the URL', async () => {
    const events: Bluesky[] = [];
    const many = Array.from({ length: 300 }, (_, i) => `did:plc:${String(i).padStart(24, 'x')}`);
    const js = jetstream(events, {
      cursor: memoryCursor(),
      url: b.url, // http://host: taken as ws://host/subscribe
      wantedDids: () => [...many, watched.did],
    });
    await js.start();
    const url = new URL(subscribes()[0]!.path, 'ws://x');
    expect(url.searchParams.get('requireHello')).toBe('true');
    expect(url.searchParams.has('wantedDids')).toBe(false);
    await vi.waitFor(() => expect(b.jetstreamSubscriptions[0]).toMatchObject({ live: true }));
    expect(b.jetstreamSubscriptions[0]!.dids).toHaveLength(301);
    const p = b.addPost({ handle: watched.handle, text: 'x' });
    b.addPost({ handle: other.handle, text: 'y' });
    await vi.waitFor(() => expect(keys(events)).toEqual([`create ${p.uri}`]));
  });

  it('fake: replays from a cursor in time_us order, filters collections and DIDs, waits for hello', async () => {
    const p = b.addPost({ handle: watched.handle, text: 'x' });
    b.deletePost(p.uri);
    b.takedownAccount(other.handle);
    const log = b.jetstreamEvents;
    const open = (query: string) => {
      const frames: Record<string, unknown>[] = [];
      const ws = new WebSocket(`${b.jetstreamUrl}?${query}`);
      ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Record<string, unknown>));
      return { ws, frames, opened: new Promise((r) => ws.once('open', r)) };
    };
    const all = open(`cursor=${log[0]!.time_us}`);
    await all.opened;
    await vi.waitFor(() => expect(all.frames).toHaveLength(log.length));
    expect(all.frames.map((f) => f.kind)).toEqual(['identity', 'identity', 'commit', 'commit', 'account']);
    expect(all.frames[3]).toEqual({
      did: watched.did,
      time_us: log[3]!.time_us,
      kind: 'commit',
      commit: {
        rev: expect.any(String),
        operation: 'delete',
        collection: 'app.bsky.feed.post',
        rkey: p.rkey,
      },
    });
    const filtered = open(`cursor=1&wantedDids=${other.did}&wantedCollections=app.bsky.feed.*`);
    await filtered.opened;
    await vi.waitFor(() => expect(filtered.frames).toHaveLength(2));
    expect(filtered.frames.map((f) => f.kind)).toEqual(['identity', 'account']); // account events ignore collections
    const hello = open(`cursor=1&requireHello=true`);
    await hello.opened;
    await sleep(100);
    expect(hello.frames).toHaveLength(0);
    hello.ws.send(JSON.stringify({ type: 'options_update', payload: { wantedDids: [watched.did] } }));
    await vi.waitFor(() => expect(hello.frames).toHaveLength(3));
    for (const c of [all, filtered, hello]) c.ws.close();
  });
});

describe('stop()', () => {
  it('leaves no sockets or timers behind: a process that stops its streams exits by itself', async () => {
    const root = path.resolve('.');
    const url = (p: string) => pathToFileURL(path.join(root, p)).href;
    const dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-streams-'));
    const script = path.join(dir, 'run.mts');
    writeFileSync(
      script,
      `
import { FakeBluesky } from '${url('tests/fakes/bluesky.ts')}';
import { FakeMastodon } from '${url('tests/fakes/mastodon.ts')}';
import { createJetstream } from '${url('src/monitor/jetstream.ts')}';
import { createMastodonStream } from '${url('src/monitor/mastodon-stream.ts')}';
const until = async (f: () => boolean) => { while (!f()) await new Promise((r) => setTimeout(r, 10)); };
const m = await FakeMastodon.start();
m.addAccount({ username: 'a' });
const b = await FakeBluesky.start();
const acc = b.addAccount({ handle: 'a.bsky.social' });
let got = 0;
const slow = { minMs: 4000, maxMs: 4000 };
const ms = createMastodonStream({ baseUrl: m.url, token: 't', backoff: slow, heartbeatMs: 500, onEvent: () => { got++; } });
const js = createJetstream({ url: b.jetstreamUrl, wantedDids: () => [acc.did], backoff: slow, heartbeatMs: 500,
  cursor: { load: async () => null, save: async () => {} }, onEvent: () => { got++; } });
await ms.start();
await js.start();
await until(() => m.streamSubscribers() === 1);
m.addStatus({ username: 'a', content: 'x' });
b.addPost({ handle: 'a.bsky.social', text: 'x' });
await until(() => got === 2);
m.dropStreams();
b.dropJetstream();
await until(() => !ms.connected && !js.connected); // both now wait on a reconnect timer
await ms.stop();
await js.stop();
await m.close();
await b.close();
console.log('stopped', got, Date.now());
`,
    );
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
        cwd: root,
        timeout: 20_000,
      });
      const [word, got, stoppedAt] = stdout.trim().split(' ');
      expect([word, got]).toEqual(['stopped', '2']);
      // A pending reconnect timer (4 s), heartbeat (0.5 s, repeating) or socket would keep it alive.
      expect(Date.now() - Number(stoppedAt)).toBeLessThan(1_500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
