import type { Db } from './db.ts';

/** What a Mastodon-API server can do; null: not found out yet (or longer ago than the time-to-live). */
export interface InstanceCapabilities {
  batchLookup: boolean | null;
  editHistory: boolean | null;
  streaming: boolean | null;
}

/** A host that answered as a Mastodon-API server (migration 9). */
export interface InstanceRow extends InstanceCapabilities {
  host: string;
  /** 'mastodon', 'gotosocial', 'akkoma', 'pleroma', 'hollo', … as the instance names itself. */
  software: string;
  version: string | null;
  /** The instance's `version` field as it was sent. */
  rawVersion: string | null;
  confirmedAt: string;
  capsCheckedAt: string | null;
}

const CAPS = { batchLookup: 'batch_lookup', editHistory: 'edit_history', streaming: 'streaming' } as const;

interface Raw {
  host: string;
  software: string;
  version: string | null;
  raw_version: string | null;
  confirmed_at: string;
  batch_lookup: number | null;
  edit_history: number | null;
  streaming: number | null;
  caps_checked_at: string | null;
}

const flag = (v: number | null): boolean | null => (v === null ? null : v === 1);

function fromRaw(r: Raw): InstanceRow {
  return {
    host: r.host,
    software: r.software,
    version: r.version,
    rawVersion: r.raw_version,
    confirmedAt: r.confirmed_at,
    batchLookup: flag(r.batch_lookup),
    editHistory: flag(r.edit_history),
    streaming: flag(r.streaming),
    capsCheckedAt: r.caps_checked_at,
  };
}

/** Records (or refreshes) what a host runs; its capabilities already found out are kept. */
export async function saveInstance(
  db: Db,
  i: {
    host: string;
    software: string;
    version: string | null;
    rawVersion: string | null;
    streaming: boolean | null;
  },
  now = new Date().toISOString(),
): Promise<void> {
  await db.run(
    `INSERT INTO instance (host, software, version, raw_version, confirmed_at, streaming)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(host) DO UPDATE SET software = excluded.software, version = excluded.version,
       raw_version = excluded.raw_version, confirmed_at = excluded.confirmed_at,
       streaming = coalesce(excluded.streaming, instance.streaming)`,
    [i.host, i.software, i.version, i.rawVersion, now, i.streaming === null ? null : Number(i.streaming)],
  );
}

/** Records one capability found out now (a host not recorded yet gets a row of software 'unknown'). */
export async function saveCapability(
  db: Db,
  host: string,
  cap: keyof InstanceCapabilities,
  works: boolean,
  now = new Date().toISOString(),
): Promise<void> {
  const col = CAPS[cap];
  await db.run(
    `INSERT INTO instance (host, software, confirmed_at, ${col}, caps_checked_at) VALUES (?, 'unknown', ?, ?, ?)
     ON CONFLICT(host) DO UPDATE SET ${col} = excluded.${col}, caps_checked_at = excluded.caps_checked_at`,
    [host, now, Number(works), now],
  );
}

export async function getInstance(db: Db, host: string): Promise<InstanceRow | null> {
  const r = await db.get<Raw>('SELECT * FROM instance WHERE host = ?', [host]);
  return r ? fromRaw(r) : null;
}

/** Every host recorded, by host name (for `status`). */
export async function listInstances(db: Db): Promise<InstanceRow[]> {
  return (await db.all<Raw>('SELECT * FROM instance ORDER BY host')).map(fromRaw);
}
