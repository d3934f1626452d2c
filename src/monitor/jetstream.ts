import type WebSocket from 'ws';
import {
  type PostStream,
  ReconnectingSocket,
  SerialQueue,
  type SocketTarget,
  type StreamEvent,
  type StreamOptions,
} from './streams.ts';

const POST = 'app.bsky.feed.post';
/** Jetstream accepts at most this many DIDs per subscriber. */
export const MAX_WANTED_DIDS = 10_000;
/** Longer subscribe URLs send their filters in an options_update message instead (requireHello). */
const MAX_URL_LENGTH = 4_000;
/** Keys of events received recently, to skip the copies a rewound cursor replays. */
const MAX_SEEN = 50_000;

export interface JetstreamCursorStore {
  /** The saved position (Jetstream time_us), or null when there is none yet. */
  load(): Promise<number | null>;
  save(timeUs: number): Promise<void>;
}

export interface JetstreamOptions extends StreamOptions {
  /** ws(s)://host/subscribe (http(s) is taken as ws(s); a bare host gets /subscribe). */
  url: string;
  /** The DIDs to follow. Read on every (re)connect and by `refreshDids()`. Empty: no connection at all. */
  wantedDids: () => string[];
  cursor: JetstreamCursorStore;
  /** How far before the last position a reconnect resumes (Jetstream's advice: a few seconds). Default 5 s. */
  rewindMs?: number;
  /** The cursor is saved at most this often while events flow (and once more on stop). Default 1 s. */
  saveEveryMs?: number;
}

export interface Jetstream extends PostStream {
  /**
   * Re-reads `wantedDids()` now. Connected: the new list is sent as an `options_update` on the open
   * socket (no reconnect, no replay). An empty list closes the connection (an empty filter would mean
   * the whole network); a non-empty one after that connects again. Reconnects always re-read the list,
   * so calling this is only needed to apply a change without waiting.
   */
  refreshDids(): void;
  /** The time_us up to which events have been handled (or since which the stream was live), or null. */
  readonly position: number | null;
}

interface JetEvent {
  did?: unknown;
  time_us?: unknown;
  kind?: unknown;
  commit?: {
    rev?: unknown;
    operation?: unknown;
    collection?: unknown;
    rkey?: unknown;
    record?: unknown;
    cid?: unknown;
  };
  account?: { active?: unknown; status?: unknown };
}

/**
 * A Bluesky Jetstream subscriber for the posts of a set of DIDs (github.com/bluesky-social/jetstream):
 * commit create/update/delete of app.bsky.feed.post and account status changes. It resumes from the
 * saved cursor, rewound a few seconds, after every reconnect and restart, and skips the events it has
 * already handled in this run, so nothing is lost and little is repeated.
 */
export function createJetstream(opts: JetstreamOptions): Jetstream {
  const endpoint = new URL(opts.url.replace(/^http(s?):/i, 'ws$1:'));
  if (endpoint.protocol !== 'wss:' && endpoint.protocol !== 'ws:')
    throw new Error(`Jetstream: ${opts.url} is not a ws(s) URL`);
  if (endpoint.pathname === '/') endpoint.pathname = '/subscribe'; // wss://jetstream2.us-east.bsky.network
  const name = `jetstream:${endpoint.host}`;
  const log = opts.log?.child({ stream: name });
  const rewindUs = (opts.rewindMs ?? 5_000) * 1000;
  const saveEveryMs = opts.saveEveryMs ?? 1_000;
  const queue = new SerialQueue((err) =>
    log?.error({ err: (err as Error).message }, 'jetstream: event handler failed'),
  );

  let running = false;
  let loaded: number | null = null; // saved cursor read at start
  let handled: number | null = null; // highest time_us handed over (or skipped) in this run
  let received: number | null = null; // highest time_us received in this run (handled, or queued to be)
  let liveFrom: number | null = null; // a live-tail connection (no cursor) opened at this time_us
  let saved: number | null = null;
  let lastSaveAt = 0;
  let saveTimer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();
  let subscribed: string[] = []; // the DID filter the open (or opening) connection has
  let wanted = new Set<string>();
  const seen = new Map<string, number>();

  const max = (...xs: (number | null)[]): number | null => {
    const ys = xs.filter((x): x is number => x !== null);
    return ys.length ? Math.max(...ys) : null;
  };
  /** What is safe to save: every event before it has been handled. */
  const position = (): number | null => max(loaded, handled, liveFrom);
  /**
   * Where a reconnect in this run resumes (before the rewind): events received but still queued are
   * handled by this run anyway, so they need not come again.
   */
  const resumeFrom = (): number | null => max(loaded, handled, liveFrom, received);

  function readDids(): string[] {
    let dids: string[];
    try {
      dids = opts.wantedDids();
    } catch (err) {
      log?.error({ err: (err as Error).message }, 'jetstream: wantedDids() failed; keeping the current list');
      return subscribed;
    }
    const list = [...new Set(dids.filter((d) => typeof d === 'string' && d.startsWith('did:')))].sort();
    if (list.length > MAX_WANTED_DIDS) {
      log?.error(
        { dids: list.length, max: MAX_WANTED_DIDS },
        'jetstream: more DIDs than one subscription allows; the rest are left to polling',
      );
      return list.slice(0, MAX_WANTED_DIDS);
    }
    return list;
  }
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

  function optionsUpdate(dids: string[]): string {
    return JSON.stringify({
      type: 'options_update',
      payload: { wantedCollections: [POST], wantedDids: dids, maxMessageSizeBytes: 0 },
    });
  }

  let hello: string | undefined; // the options_update to send first (requireHello mode)
  let liveTail = false; // the connection being opened has no cursor

  const conn = new ReconnectingSocket(
    name,
    {
      async target(): Promise<SocketTarget | null> {
        const dids = readDids();
        subscribed = dids;
        wanted = new Set(dids);
        if (dids.length === 0) {
          log?.info('jetstream: no DIDs to follow; not connected');
          return null;
        }
        const pos = resumeFrom();
        const u = new URL(endpoint.href);
        u.searchParams.append('wantedCollections', POST);
        for (const d of dids) u.searchParams.append('wantedDids', d);
        if (pos !== null) u.searchParams.set('cursor', String(Math.max(0, pos - rewindUs)));
        liveTail = pos === null;
        hello = undefined;
        if (u.href.length > MAX_URL_LENGTH) {
          u.searchParams.delete('wantedDids');
          u.searchParams.set('requireHello', 'true');
          hello = optionsUpdate(dids);
        }
        const safe = new URL(u.href);
        if (safe.searchParams.has('wantedDids')) {
          safe.searchParams.delete('wantedDids');
          safe.searchParams.set('wantedDids', `(${dids.length})`);
        }
        return { url: u.href, safeUrl: safe.href };
      },
      opened(ws: WebSocket) {
        if (hello) ws.send(hello);
        if (liveTail) {
          // Nothing to resume from: from now on this connection is the position (on this host's clock,
          // which the rewind forgives a few seconds of skew against Jetstream's).
          liveFrom = Date.now() * 1000;
          scheduleSave();
        }
        refresh(); // the list may have changed while connecting
      },
      message(text) {
        let ev: JetEvent;
        try {
          ev = JSON.parse(text) as JetEvent;
        } catch {
          log?.warn({ frame: text.slice(0, 200) }, 'jetstream: message is not JSON');
          return;
        }
        if (
          !ev ||
          typeof ev.did !== 'string' ||
          typeof ev.time_us !== 'number' ||
          typeof ev.kind !== 'string'
        ) {
          log?.warn({ frame: text.slice(0, 200) }, 'jetstream: message is not an event');
          return;
        }
        const did = ev.did;
        const timeUs = ev.time_us;
        const key = keyOf(ev, did, timeUs);
        if (seen.has(key)) return; // replayed by the rewound cursor: already handled or queued
        remember(key, timeUs);
        if (received === null || timeUs > received) received = timeUs;
        const at = new Date().toISOString();
        queue.push(() => handleEvent(ev, did, timeUs, at));
      },
    },
    opts,
  );

  function keyOf(ev: JetEvent, did: string, timeUs: number): string {
    const c = ev.commit;
    return c
      ? `${timeUs}|${did}|${String(c.rev)}|${String(c.operation)}|${String(c.collection)}|${String(c.rkey)}`
      : `${timeUs}|${did}|${String(ev.kind)}`;
  }

  async function handleEvent(ev: JetEvent, did: string, timeUs: number, at: string): Promise<void> {
    const out = toEvent(ev, did, timeUs, at);
    if (out && wanted.has(did)) {
      try {
        await opts.onEvent(out);
      } catch (err) {
        log?.error(
          { err: (err as Error).message, uri: 'uri' in out ? out.uri : did },
          'jetstream: event handler failed',
        );
      }
    }
    if (handled === null || timeUs > handled) handled = timeUs;
    scheduleSave();
  }

  function remember(key: string, timeUs: number): void {
    seen.set(key, timeUs);
    if (seen.size <= MAX_SEEN) return;
    // Only events newer than (resume point − rewind) can come again: forget older ones first, then
    // the oldest remembered, down to 80 % so this runs once per many events.
    const floor = (resumeFrom() ?? 0) - 2 * rewindUs;
    for (const [k, t] of seen) if (t < floor) seen.delete(k);
    for (const k of seen.keys()) {
      if (seen.size <= MAX_SEEN * 0.8) break;
      seen.delete(k);
    }
  }

  function toEvent(ev: JetEvent, did: string, timeUs: number, at: string): StreamEvent | null {
    if (ev.kind === 'commit') {
      const c = ev.commit;
      if (!c || c.collection !== POST || typeof c.rkey !== 'string') return null;
      const op = c.operation;
      if (op !== 'create' && op !== 'update' && op !== 'delete') return null;
      return {
        platform: 'bluesky',
        kind: op,
        uri: `at://${did}/${POST}/${c.rkey}`,
        did,
        at,
        timeUs,
        ...(typeof c.cid === 'string' ? { cid: c.cid } : {}),
        ...(c.record && typeof c.record === 'object' ? { record: c.record as Record<string, unknown> } : {}),
        ...(typeof c.rev === 'string' ? { rev: c.rev } : {}),
      };
    }
    if (ev.kind === 'account' && ev.account && typeof ev.account === 'object') {
      return {
        platform: 'bluesky',
        kind: 'account',
        did,
        active: ev.account.active === true,
        ...(typeof ev.account.status === 'string' ? { status: ev.account.status } : {}),
        at,
        timeUs,
      };
    }
    return null; // identity, other collections
  }

  function scheduleSave(): void {
    if (saveTimer || !running) return;
    saveTimer = setTimeout(flush, Math.max(0, lastSaveAt + saveEveryMs - Date.now()));
  }
  function flush(): Promise<void> {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    const pos = position();
    if (pos === null || pos === saved || (saved !== null && pos < saved)) return saving;
    saved = pos;
    lastSaveAt = Date.now();
    saving = saving
      .then(() => opts.cursor.save(pos))
      .catch((err: Error) =>
        log?.warn({ err: err.message, cursor: pos }, 'jetstream: cannot save the cursor'),
      );
    return saving;
  }

  function refresh(): void {
    if (!running) return;
    const next = readDids();
    if (same(next, subscribed)) return;
    const ws = conn.socket;
    if (next.length === 0) {
      log?.info('jetstream: no DIDs left to follow; disconnecting');
      subscribed = next;
      wanted = new Set();
      conn.restart();
      return;
    }
    if (ws) {
      ws.send(optionsUpdate(next));
      log?.info({ dids: next.length }, 'jetstream: filter updated');
      subscribed = next;
      wanted = new Set(next);
      return;
    }
    conn.kick(); // idle for want of DIDs: connect now; otherwise the next connection reads the list
  }

  return {
    name,
    get connected() {
      return conn.connected;
    },
    get position() {
      return position();
    },
    refreshDids: refresh,
    async start() {
      if (running) return;
      running = true;
      handled = null;
      received = null;
      liveFrom = null;
      seen.clear();
      try {
        loaded = await opts.cursor.load();
      } catch (err) {
        log?.error({ err: (err as Error).message }, 'jetstream: cannot load the cursor; starting live');
        loaded = null;
      }
      saved = loaded;
      if (!running) return;
      await conn.start();
    },
    /** Events received but not yet handed over are dropped: the saved cursor brings them back next time. */
    async stop() {
      if (!running) return;
      running = false;
      await conn.stop();
      queue.clear();
      await queue.idle();
      await flush();
    },
  };
}
