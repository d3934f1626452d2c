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
  return new JetstreamClient(opts);
}

const max = (...xs: (number | null)[]): number | null => {
  const ys = xs.filter((x): x is number => x !== null);
  return ys.length ? Math.max(...ys) : null;
};
const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function optionsUpdate(dids: string[]): string {
  return JSON.stringify({
    type: 'options_update',
    payload: { wantedCollections: [POST], wantedDids: dids, maxMessageSizeBytes: 0 },
  });
}

/** What identifies an event, so a copy replayed by a rewound cursor is recognised. */
function keyOf(ev: JetEvent, did: string, timeUs: number): string {
  const c = ev.commit;
  return c
    ? `${timeUs}|${did}|${String(c.rev)}|${String(c.operation)}|${String(c.collection)}|${String(c.rkey)}`
    : `${timeUs}|${did}|${String(ev.kind)}`;
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

class JetstreamClient implements Jetstream {
  readonly name: string;
  private readonly endpoint: URL;
  private readonly log: JetstreamOptions['log'];
  private readonly rewindUs: number;
  private readonly saveEveryMs: number;
  private readonly queue: SerialQueue;
  private readonly conn: ReconnectingSocket;

  private running = false;
  private loaded: number | null = null; // saved cursor read at start
  private handled: number | null = null; // highest time_us handed over (or skipped) in this run
  private received: number | null = null; // highest time_us received in this run (handled, or queued to be)
  private liveFrom: number | null = null; // a live-tail connection (no cursor) opened at this time_us
  private saved: number | null = null;
  private lastSaveAt = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private subscribed: string[] = []; // the DID filter the open (or opening) connection has
  private wanted = new Set<string>();
  private readonly seen = new Map<string, number>();
  private hello: string | undefined; // the options_update to send first (requireHello mode)
  private liveTail = false; // the connection being opened has no cursor

  constructor(private readonly opts: JetstreamOptions) {
    this.endpoint = new URL(opts.url.replace(/^http(s?):/i, 'ws$1:'));
    if (this.endpoint.protocol !== 'wss:' && this.endpoint.protocol !== 'ws:')
      throw new Error(`Jetstream: ${opts.url} is not a ws(s) URL`);
    if (this.endpoint.pathname === '/') this.endpoint.pathname = '/subscribe'; // wss://jetstream2.us-east.bsky.network
    this.name = `jetstream:${this.endpoint.host}`;
    this.log = opts.log?.child({ stream: this.name });
    this.rewindUs = (opts.rewindMs ?? 5_000) * 1000;
    this.saveEveryMs = opts.saveEveryMs ?? 1_000;
    this.queue = new SerialQueue((err) =>
      this.log?.error({ err: (err as Error).message }, 'jetstream: event handler failed'),
    );
    this.conn = new ReconnectingSocket(
      this.name,
      {
        target: () => this.target(),
        opened: (ws) => this.opened(ws),
        message: (text) => this.message(text),
      },
      opts,
    );
  }

  get connected(): boolean {
    return this.conn.connected;
  }

  /** What is safe to save: every event before it has been handled. */
  get position(): number | null {
    return max(this.loaded, this.handled, this.liveFrom);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.handled = null;
    this.received = null;
    this.liveFrom = null;
    this.seen.clear();
    try {
      this.loaded = await this.opts.cursor.load();
    } catch (err) {
      this.log?.error({ err: (err as Error).message }, 'jetstream: cannot load the cursor; starting live');
      this.loaded = null;
    }
    this.saved = this.loaded;
    if (!this.running) return;
    await this.conn.start();
  }

  /** Events received but not yet handed over are dropped: the saved cursor brings them back next time. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.conn.stop();
    this.queue.clear();
    await this.queue.idle();
    await this.flush();
  }

  refreshDids(): void {
    if (!this.running) return;
    const next = this.readDids();
    if (same(next, this.subscribed)) return;
    const ws = this.conn.socket;
    if (next.length === 0) {
      this.log?.info('jetstream: no DIDs left to follow; disconnecting');
      this.subscribed = next;
      this.wanted = new Set();
      this.conn.restart();
      return;
    }
    if (ws) {
      ws.send(optionsUpdate(next));
      this.log?.info({ dids: next.length }, 'jetstream: filter updated');
      this.subscribed = next;
      this.wanted = new Set(next);
      return;
    }
    this.conn.kick(); // idle for want of DIDs: connect now; otherwise the next connection reads the list
  }

  /**
   * Where a reconnect in this run resumes (before the rewind): events received but still queued are
   * handled by this run anyway, so they need not come again.
   */
  private resumeFrom(): number | null {
    return max(this.loaded, this.handled, this.liveFrom, this.received);
  }

  private readDids(): string[] {
    let dids: string[];
    try {
      dids = this.opts.wantedDids();
    } catch (err) {
      this.log?.error(
        { err: (err as Error).message },
        'jetstream: wantedDids() failed; keeping the current list',
      );
      return this.subscribed;
    }
    const list = [...new Set(dids.filter((d) => typeof d === 'string' && d.startsWith('did:')))].sort();
    if (list.length > MAX_WANTED_DIDS) {
      this.log?.error(
        { dids: list.length, max: MAX_WANTED_DIDS },
        'jetstream: more DIDs than one subscription allows; the rest are left to polling',
      );
      return list.slice(0, MAX_WANTED_DIDS);
    }
    return list;
  }

  private async target(): Promise<SocketTarget | null> {
    const dids = this.readDids();
    this.subscribed = dids;
    this.wanted = new Set(dids);
    if (dids.length === 0) {
      this.log?.info('jetstream: no DIDs to follow; not connected');
      return null;
    }
    const pos = this.resumeFrom();
    const u = new URL(this.endpoint.href);
    u.searchParams.append('wantedCollections', POST);
    for (const d of dids) u.searchParams.append('wantedDids', d);
    if (pos !== null) u.searchParams.set('cursor', String(Math.max(0, pos - this.rewindUs)));
    this.liveTail = pos === null;
    this.hello = undefined;
    if (u.href.length > MAX_URL_LENGTH) {
      u.searchParams.delete('wantedDids');
      u.searchParams.set('requireHello', 'true');
      this.hello = optionsUpdate(dids);
    }
    const safe = new URL(u.href);
    if (safe.searchParams.has('wantedDids')) {
      safe.searchParams.delete('wantedDids');
      safe.searchParams.set('wantedDids', `(${dids.length})`);
    }
    return { url: u.href, safeUrl: safe.href };
  }

  private opened(ws: WebSocket): void {
    if (this.hello) ws.send(this.hello);
    if (this.liveTail) {
      // Nothing to resume from: from now on this connection is the position (on this host's clock,
      // which the rewind forgives a few seconds of skew against Jetstream's).
      this.liveFrom = Date.now() * 1000;
      this.scheduleSave();
    }
    this.refreshDids(); // the list may have changed while connecting
  }

  private message(text: string): void {
    let ev: JetEvent;
    try {
      ev = JSON.parse(text) as JetEvent;
    } catch {
      this.log?.warn({ frame: text.slice(0, 200) }, 'jetstream: message is not JSON');
      return;
    }
    if (!ev || typeof ev.did !== 'string' || typeof ev.time_us !== 'number' || typeof ev.kind !== 'string') {
      this.log?.warn({ frame: text.slice(0, 200) }, 'jetstream: message is not an event');
      return;
    }
    const did = ev.did;
    const timeUs = ev.time_us;
    const key = keyOf(ev, did, timeUs);
    if (this.seen.has(key)) return; // replayed by the rewound cursor: already handled or queued
    this.remember(key, timeUs);
    if (this.received === null || timeUs > this.received) this.received = timeUs;
    const at = new Date().toISOString();
    this.queue.push(() => this.handleEvent(ev, did, timeUs, at));
  }

  private async handleEvent(ev: JetEvent, did: string, timeUs: number, at: string): Promise<void> {
    const out = toEvent(ev, did, timeUs, at);
    if (out && this.wanted.has(did)) {
      try {
        await this.opts.onEvent(out);
      } catch (err) {
        this.log?.error(
          { err: (err as Error).message, uri: 'uri' in out ? out.uri : did },
          'jetstream: event handler failed',
        );
      }
    }
    if (this.handled === null || timeUs > this.handled) this.handled = timeUs;
    this.scheduleSave();
  }

  private remember(key: string, timeUs: number): void {
    const { seen } = this;
    seen.set(key, timeUs);
    if (seen.size <= MAX_SEEN) return;
    // Only events newer than (resume point − rewind) can come again: forget older ones first, then
    // the oldest remembered, down to 80 % so this runs once per many events.
    const floor = (this.resumeFrom() ?? 0) - 2 * this.rewindUs;
    for (const [k, t] of seen) if (t < floor) seen.delete(k);
    for (const k of seen.keys()) {
      if (seen.size <= MAX_SEEN * 0.8) break;
      seen.delete(k);
    }
  }

  private scheduleSave(): void {
    if (this.saveTimer || !this.running) return;
    this.saveTimer = setTimeout(
      () => void this.flush(),
      Math.max(0, this.lastSaveAt + this.saveEveryMs - Date.now()),
    );
  }

  private flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const pos = this.position;
    if (pos === null || pos === this.saved || (this.saved !== null && pos < this.saved)) return this.saving;
    this.saved = pos;
    this.lastSaveAt = Date.now();
    this.saving = this.saving
      .then(() => this.opts.cursor.save(pos))
      .catch((err: Error) =>
        this.log?.warn({ err: err.message, cursor: pos }, 'jetstream: cannot save the cursor'),
      );
    return this.saving;
  }
}
