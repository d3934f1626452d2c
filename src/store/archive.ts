import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { contentHash, searchText, sha256Hex } from '../domain/content.ts';
import type { Exchange } from '../domain/exchange.ts';
import { nextCheckAt, type RecheckSchedule } from '../domain/schedule.ts';
import type { Appraisal, CaptureMethod, NormalisedPost, PostContent, Trigger } from '../domain/types.ts';
import { TOOL_NAME, TOOL_VERSION } from '../version.ts';
import { appendAudit } from './audit.ts';
import { Db } from './db.ts';
import { saveAppraisals } from './knowledge.ts';
import { migrate } from './migrations.ts';
import {
  exchangeRecords,
  metadataRecord,
  type RecordLocation,
  recordId,
  revisitRecord,
  WarcWriter,
} from './warc.ts';

export type PostRole = 'main' | 'ancestor' | 'reply' | 'account';

export interface IngestInput {
  url: string;
  trigger: Trigger;
  requestedBy: string | null;
  channel: string | null;
  method: CaptureMethod;
  posts: { post: NormalisedPost; role: PostRole }[];
  exchanges: Exchange[];
  /** Continue an existing capture (account backfill pages) instead of opening a new one. */
  captureId?: number;
  /**
   * The appraisal of a post that gets a new version (the knowledge base's rules), stored with it in
   * the same transaction. `accountRole` is the role recorded for the author's account.
   */
  appraise?: (post: NormalisedPost, role: PostRole, accountRole: string | null) => Appraisal | null;
  /** Account backfill progress, saved in the same transaction as the page it describes. */
  backfill?: { id: number; cursor: string | null; done: boolean };
}

export interface IngestedPost {
  postId: number;
  platformId: string;
  role: PostRole;
  version: number;
  newVersions: number;
  contentHash: string;
  evidence: RecordLocation;
}

export interface IngestResult {
  captureId: number;
  posts: IngestedPost[];
  newVersions: number;
  media: { stored: number; revisits: number };
}

interface VersionPlan {
  number: number;
  origin: 'capture' | 'platform-history';
  validFrom: string | null;
  content: PostContent;
  hash: string;
}

/** Media already in the archive or earlier in this batch: the target of a revisit record. */
interface StoredMedia {
  recordId: string;
  url: string;
  date: string;
}

const CHUNK = 5000;

/** Platforms whose posts the monitor re-checks (their connectors can look posts up again). */
const CHECKABLE = new Set(['mastodon', 'bluesky']);

/**
 * The archive: the only module that speaks SQL, and the one that writes the WARC evidence. A
 * capture's records are appended to the WARC and its rows inserted in one write transaction; if
 * either fails, both are undone, so nothing half-written remains.
 */
export class Archive {
  private constructor(
    readonly db: Db,
    readonly warc: WarcWriter,
    readonly dataDir: string,
    private readonly recheckSchedule: RecheckSchedule | null,
  ) {}

  get warcDir(): string {
    return path.join(this.dataDir, 'warc');
  }

  /** `recheckSchedule` sets when a newly archived post is first re-checked (without it: at once). */
  static async open(
    dataDir: string,
    warc: { rotateBytes: number; operator: string },
    opts: { recheckSchedule?: RecheckSchedule } = {},
  ): Promise<Archive> {
    mkdirSync(dataDir, { recursive: true });
    const db = await Db.open(path.join(dataDir, 'archiefbot.db'));
    await db.exec('PRAGMA busy_timeout = 15000');
    await db.exec('PRAGMA journal_mode = WAL');
    await db.exec('PRAGMA synchronous = NORMAL');
    await db.exec('PRAGMA foreign_keys = ON');
    await migrate(db);
    return new Archive(
      db,
      new WarcWriter(path.join(dataDir, 'warc'), warc),
      dataDir,
      opts.recheckSchedule ?? null,
    );
  }

  async close(): Promise<void> {
    await this.warc.close();
    await this.db.close();
  }

  /**
   * Inserts rows in batches through json_each: one statement per 5,000 rows instead of one per row
   * (stack notes: ~10x faster with sqlite3). Returns what a RETURNING clause gives back.
   */
  private async insertMany<T = never>(sql: string, rows: unknown[], ...params: unknown[]): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < rows.length; i += CHUNK) {
      out.push(...(await this.db.all<T>(sql, [...params, JSON.stringify(rows.slice(i, i + CHUNK))])));
    }
    return out;
  }

  async recordFailure(
    input: Pick<IngestInput, 'url' | 'trigger' | 'requestedBy' | 'channel'>,
    error: string,
  ): Promise<number> {
    return this.db.transaction(async () => {
      const now = new Date().toISOString();
      const { lastID } = await this.db.run(
        `INSERT INTO capture (url, trigger, requested_by, channel, status, error, started_at, finished_at)
         VALUES (?, ?, ?, ?, 'failed', ?, ?, ?)`,
        [input.url, input.trigger, input.requestedBy, input.channel, error, now, now],
      );
      await appendAudit(this.db, {
        actor: input.requestedBy,
        action: 'capture.failed',
        subject: input.url,
        detail: { capture: lastID, error, trigger: input.trigger, channel: input.channel },
      });
      return lastID;
    });
  }

  async finishCapture(
    captureId: number,
    status: 'done' | 'failed',
    detail: Record<string, unknown>,
    error?: string,
  ) {
    await this.db.transaction(async () => {
      await this.db.run('UPDATE capture SET status = ?, error = ?, finished_at = ? WHERE id = ?', [
        status,
        error ?? null,
        new Date().toISOString(),
        captureId,
      ]);
      const row = await this.db.get<{ url: string; requested_by: string | null }>(
        'SELECT url, requested_by FROM capture WHERE id = ?',
        [captureId],
      );
      await appendAudit(this.db, {
        actor: row?.requested_by ?? null,
        action: status === 'done' ? 'capture.done' : 'capture.failed',
        subject: row?.url ?? null,
        detail: { capture: captureId, ...detail, ...(error ? { error } : {}) },
      });
    });
  }

  /** Which of these platform ids the archive already holds. */
  async knownPosts(platform: string, platformIds: string[]): Promise<Set<string>> {
    const rows = await this.db.all<{ platform_id: string }>(
      'SELECT platform_id FROM post WHERE platform = ? AND platform_id IN (SELECT value FROM json_each(?))',
      [platform, JSON.stringify(platformIds)],
    );
    return new Set(rows.map((r) => r.platform_id));
  }

  /**
   * Keeps the evidence of a re-check that found a post gone or unavailable: the HTTP exchanges (the
   * platform's 404 and the look-ups that confirmed it) and a metadata record saying what was
   * concluded, as a capture of its own, in the WARC and the audit log.
   */
  async recordCheck(input: {
    url: string;
    postId: number;
    platformId: string;
    outcome: string;
    detail: Record<string, unknown>;
    exchanges: Exchange[];
  }): Promise<{ captureId: number; evidence: RecordLocation }> {
    const written: { undo?: () => Promise<void> } = {};
    return this.db.transaction(
      async () => {
        const now = new Date().toISOString();
        const captureId = (
          await this.db.run(
            `INSERT INTO capture (url, trigger, requested_by, status, post_id, started_at, finished_at)
             VALUES (?, 'recheck', 'monitor', 'done', ?, ?, ?)`,
            [input.url, input.postId, now, now],
          )
        ).lastID;
        const records = input.exchanges.flatMap((ex) => {
          const { request, response } = exchangeRecords(ex);
          return [request, response];
        });
        const last = records.at(-1);
        records.push(
          metadataRecord(
            `urn:archiefbot:check:${encodeURIComponent(input.platformId)}:${captureId}`,
            {
              type: 'archiefbot/check',
              post: { id: input.postId, platformId: input.platformId, url: input.url },
              outcome: input.outcome,
              detail: input.detail,
              provenance: {
                capture: captureId,
                trigger: 'recheck',
                tool: TOOL_NAME,
                toolVersion: TOOL_VERSION,
                checkedAt: now,
              },
            },
            last ? { recordId: recordId(last), url: last.warcTargetURI ?? input.url } : undefined,
          ),
        );
        const { locations, undo } = await this.warc.append(records);
        written.undo = undo;
        await this.insertMany(
          `INSERT INTO capture_record (capture_id, uri, type, warc_file, warc_offset, warc_length, warc_record_id)
           SELECT ${captureId}, value->>'uri', value->>'type', value->>'file', value->>'offset', value->>'length', value->>'recordId'
           FROM json_each(?)`,
          locations,
        );
        await appendAudit(this.db, {
          actor: 'monitor',
          action: `recheck.${input.outcome}`,
          subject: input.url,
          detail: { capture: captureId, post: input.postId, ...input.detail },
        });
        return { captureId, evidence: locations.at(-1)! };
      },
      async () => written.undo?.(),
    );
  }

  /**
   * Opens (or resumes) the backfill of one account: an unfinished earlier run is continued from
   * its saved cursor; each run is its own capture.
   */
  async startBackfill(
    platform: string,
    account: string,
    url: string,
    total: number | null,
    who: Pick<IngestInput, 'url' | 'trigger' | 'requestedBy' | 'channel'>,
  ): Promise<{
    id: number;
    captureId: number;
    cursor: string | null;
    posts: number;
    pages: number;
    resumed: boolean;
  }> {
    return this.db.transaction(async () => {
      const now = new Date().toISOString();
      const captureId = (
        await this.db.run(
          `INSERT INTO capture (url, trigger, requested_by, channel, status, started_at) VALUES (?, ?, ?, ?, 'running', ?)`,
          [who.url, who.trigger, who.requestedBy, who.channel, now],
        )
      ).lastID;
      const open = await this.db.get<{ id: number; cursor: string | null; posts: number; pages: number }>(
        `SELECT id, cursor, posts, pages FROM backfill WHERE platform = ? AND account = ? AND status != 'done'
         ORDER BY id DESC LIMIT 1`,
        [platform, account],
      );
      await appendAudit(this.db, {
        actor: who.requestedBy,
        action: open ? 'backfill.resume' : 'backfill.start',
        subject: url,
        detail: { capture: captureId, platform, account, cursor: open?.cursor ?? null, channel: who.channel },
      });
      if (open) {
        await this.db.run(
          `UPDATE backfill SET status = 'running', error = NULL, total = ?, updated_at = ? WHERE id = ?`,
          [total, now, open.id],
        );
        return { ...open, captureId, resumed: open.pages > 0 };
      }
      const { lastID } = await this.db.run(
        `INSERT INTO backfill (platform, account, url, total, status, started_at, updated_at) VALUES (?, ?, ?, ?, 'running', ?, ?)`,
        [platform, account, url, total, now, now],
      );
      return { id: lastID, captureId, cursor: null, posts: 0, pages: 0, resumed: false };
    });
  }

  async ingest(input: IngestInput): Promise<IngestResult> {
    const written: { undo?: () => Promise<void> } = {};
    return this.db.transaction(
      () => this.ingestLocked(input, written),
      async () => written.undo?.(),
    );
  }

  private async ingestLocked(
    input: IngestInput,
    written: { undo?: () => Promise<void> },
  ): Promise<IngestResult> {
    const now = new Date().toISOString();
    const db = this.db;

    // 1. The capture row (new, or the running backfill's).
    let captureId = input.captureId;
    if (captureId === undefined) {
      captureId = (
        await db.run(
          `INSERT INTO capture (url, trigger, requested_by, channel, status, started_at, finished_at)
           VALUES (?, ?, ?, ?, 'done', ?, ?)`,
          [input.url, input.trigger, input.requestedBy, input.channel, now, now],
        )
      ).lastID;
    }

    // 2. Posts, one entry per platform identity (first role wins: main before reply).
    const seen = new Map<string, { post: NormalisedPost; role: PostRole }>();
    for (const p of input.posts) {
      const key = `${p.post.platform}\u0000${p.post.platformId}`;
      if (!seen.has(key)) seen.set(key, p);
    }
    const posts = [...seen.values()];

    // 3. HTTP exchanges: request + response, or a revisit for media whose bytes we already hold.
    const mediaByUrl = new Map<string, { sha256: string; mime: string | null; size: number }>();
    const mediaShas = [
      ...new Set(
        input.exchanges.filter((e) => e.purpose === 'media' && e.status < 300).map((e) => sha256Hex(e.body)),
      ),
    ];
    const stored = new Map<string, StoredMedia>();
    if (mediaShas.length) {
      const rows = await db.all<{ sha256: string; warc_record_id: string; url: string; first_seen: string }>(
        'SELECT sha256, warc_record_id, url, first_seen FROM media WHERE sha256 IN (SELECT value FROM json_each(?))',
        [JSON.stringify(mediaShas)],
      );
      for (const r of rows)
        stored.set(r.sha256, { recordId: r.warc_record_id, url: r.url, date: r.first_seen });
    }
    const records = [];
    const recordRole: ({ kind: 'exchange' } | { kind: 'media'; sha256: string; exchange: Exchange })[] = [];
    const responseIdByUrl = new Map<string, string>();
    for (const ex of input.exchanges) {
      const { request, response } = exchangeRecords(ex);
      const isMedia = ex.purpose === 'media' && ex.status < 300;
      const sha = isMedia ? sha256Hex(ex.body) : '';
      if (isMedia) {
        mediaByUrl.set(ex.url, { sha256: sha, mime: header(ex, 'content-type'), size: ex.body.length });
        const prior = stored.get(sha);
        if (prior) {
          records.push(request, revisitRecord(ex, prior, sha));
          recordRole.push({ kind: 'exchange' }, { kind: 'exchange' });
          continue;
        }
        stored.set(sha, { recordId: recordId(response), url: ex.url, date: ex.date });
        records.push(request, response);
        recordRole.push({ kind: 'exchange' }, { kind: 'media', sha256: sha, exchange: ex });
        continue;
      }
      if (ex.status < 400) responseIdByUrl.set(ex.url, recordId(response));
      records.push(request, response);
      recordRole.push({ kind: 'exchange' }, { kind: 'exchange' });
    }

    // 4. What the archive already holds for these posts.
    const keys = JSON.stringify(posts.map(({ post }) => [post.platform, post.platformId]));
    const existing = new Map<
      string,
      { id: number; versions: { id: number; number: number; hash: string; validFrom: string | null }[] }
    >();
    for (const r of await db.all<{
      id: number;
      platform: string;
      platform_id: string;
      version_id: number | null;
      number: number | null;
      content_hash: string | null;
      valid_from: string | null;
    }>(
      `SELECT p.id, p.platform, p.platform_id, v.id AS version_id, v.number, v.content_hash, v.valid_from
       FROM post p LEFT JOIN version v ON v.post_id = p.id
       WHERE (p.platform, p.platform_id) IN (SELECT value->>0, value->>1 FROM json_each(?))
       ORDER BY p.id, v.number`,
      [keys],
    )) {
      const key = `${r.platform}\u0000${r.platform_id}`;
      let e = existing.get(key);
      if (!e) {
        e = { id: r.id, versions: [] };
        existing.set(key, e);
      }
      if (r.number !== null)
        e.versions.push({
          id: r.version_id!,
          number: r.number,
          hash: r.content_hash!,
          validFrom: r.valid_from,
        });
    }

    // 5. Decide the new versions of each post.
    const plans = posts.map(({ post }) => {
      const known = existing.get(`${post.platform}\u0000${post.platformId}`)?.versions ?? [];
      return planVersions(post, known);
    });

    // 6. Metadata records: one per new version, and one observation per post seen unchanged.
    const provenance = {
      capture: captureId,
      trigger: input.trigger,
      requestedBy: input.requestedBy,
      channel: input.channel,
      tool: TOOL_NAME,
      toolVersion: TOOL_VERSION,
      capturedAt: now,
      method: input.method.id,
      misses: input.method.misses,
    };
    const metaIndex: { postIdx: number; plan: VersionPlan | null }[] = [];
    posts.forEach(({ post }, i) => {
      const plan = plans[i]!;
      for (const v of plan.newVersions) {
        records.push(
          this.postRecord(post, v, withSha(v.content, mediaByUrl), provenance, responseIdByUrl, 'version'),
        );
        metaIndex.push({ postIdx: i, plan: v });
      }
      if (!plan.newVersions.length) {
        const cur = plan.current;
        records.push(
          this.postRecord(
            post,
            cur,
            withSha(cur.content, mediaByUrl),
            provenance,
            responseIdByUrl,
            'observation',
          ),
        );
        metaIndex.push({ postIdx: i, plan: null });
      }
    });

    // 7. Write the evidence. Serialising and compressing it (main thread) overlaps with the account and
    // post upserts (SQLite's thread); from here on a failure cuts the evidence off again.
    const appending = this.warc.append(records).then((w) => {
      written.undo = w.undo;
      return w;
    });
    let accountIds: Map<string, number>;
    const accountRoles = new Map<string, string>();
    let postIds: Map<string, number>;
    try {
      accountIds = await this.upsertAccounts(posts, now, accountRoles);
      postIds = await this.upsertPosts(posts, plans, accountIds, now);
    } catch (err) {
      await appending.catch(() => {});
      throw err;
    }
    const { locations } = await appending;
    const exchangeCount = recordRole.length;
    // 8. Media rows for payloads stored for the first time.
    const mediaRows = [];
    for (let i = 0; i < exchangeCount; i++) {
      const role = recordRole[i]!;
      if (role.kind !== 'media') continue;
      const loc = locations[i]!;
      mediaRows.push({
        sha256: role.sha256,
        type: mediaType(header(role.exchange, 'content-type')),
        mime: header(role.exchange, 'content-type'),
        size: role.exchange.body.length,
        url: role.exchange.url,
        firstSeen: role.exchange.date,
        file: loc.file,
        offset: loc.offset,
        length: loc.length,
        recordId: loc.recordId,
      });
    }
    await this.insertMany(
      `INSERT INTO media (sha256, type, mime, size, url, first_seen, warc_file, warc_offset, warc_length, warc_record_id)
       SELECT value->>'sha256', value->>'type', value->>'mime', value->>'size', value->>'url', value->>'firstSeen',
              value->>'file', value->>'offset', value->>'length', value->>'recordId'
       FROM json_each(?) WHERE true ON CONFLICT (sha256) DO NOTHING`,
      mediaRows,
    );
    await this.insertMany(
      `INSERT INTO capture_record (capture_id, uri, type, warc_file, warc_offset, warc_length, warc_record_id)
       SELECT ${captureId}, value->>'uri', value->>'type', value->>'file', value->>'offset', value->>'length', value->>'recordId'
       FROM json_each(?)`,
      locations.slice(0, exchangeCount),
    );

    // 9. Versions, their media, and the sightings.
    const versionRows: Record<string, unknown>[] = [];
    const newVersionContent: { postId: number; number: number; content: ReturnType<typeof withSha> }[] = [];
    const sightings: { postIdx: number; loc: RecordLocation; number: number }[] = [];
    metaIndex.forEach((m, j) => {
      const loc = locations[exchangeCount + j]!;
      const post = posts[m.postIdx]!.post;
      const postId = postIds.get(`${post.platform}\u0000${post.platformId}`)!;
      if (m.plan) {
        const content = withSha(m.plan.content, mediaByUrl);
        newVersionContent.push({ postId, number: m.plan.number, content });
        versionRows.push({
          postId,
          number: m.plan.number,
          capturedAt: now,
          validFrom: m.plan.validFrom,
          hash: m.plan.hash,
          content: JSON.stringify(content),
          text: searchText(m.plan.content),
          origin: m.plan.origin,
          trigger: input.trigger,
          actor: input.requestedBy,
          method: input.method.id,
          misses: JSON.stringify(input.method.misses),
          captureId,
          file: loc.file,
          offset: loc.offset,
          length: loc.length,
          recordId: loc.recordId,
        });
      }
      const plan = plans[m.postIdx]!;
      // The sighting points at the record of the version current after this capture.
      if (!m.plan || m.plan.number === plan.current.number)
        sightings.push({ postIdx: m.postIdx, loc, number: plan.current.number });
    });
    const versionIds = new Map<string, number>();
    for (const e of existing.values())
      for (const v of e.versions) versionIds.set(`${e.id}:${v.number}`, v.id);
    const insertedVersions = await this.insertMany<{ id: number; post_id: number; number: number }>(
      `INSERT INTO version (post_id, number, captured_at, valid_from, content_hash, content, text, origin, trigger, actor,
                            method, misses, capture_id, warc_file, warc_offset, warc_length, warc_record_id)
       SELECT value->>'postId', value->>'number', value->>'capturedAt', value->>'validFrom', value->>'hash', value->>'content',
              value->>'text', value->>'origin', value->>'trigger', value->>'actor', value->>'method', value->>'misses',
              value->>'captureId', value->>'file', value->>'offset', value->>'length', value->>'recordId'
       FROM json_each(?)
       RETURNING id, post_id, number`,
      versionRows,
    );
    for (const r of insertedVersions) versionIds.set(`${r.post_id}:${r.number}`, r.id);
    const mediaLinks = newVersionContent.flatMap((v) =>
      v.content.media.map((m, position) => ({
        versionId: versionIds.get(`${v.postId}:${v.number}`)!,
        position,
        key: m.key,
        url: m.url,
        type: m.type,
        sha256: m.sha256,
        description: m.description,
      })),
    );
    await this.insertMany(
      `INSERT INTO version_media (version_id, position, media_key, url, type, sha256, description)
       SELECT value->>'versionId', value->>'position', value->>'key', value->>'url', value->>'type', value->>'sha256',
              value->>'description'
       FROM json_each(?)`,
      mediaLinks,
    );
    const result: IngestedPost[] = [];
    // A post seen with a new version is documented by that version's row (capture_id, evidence); only
    // the posts seen unchanged need a sighting row of their own.
    const sightingRows = sightings.flatMap((s) => {
      const { post, role } = posts[s.postIdx]!;
      const postId = postIds.get(`${post.platform}\u0000${post.platformId}`)!;
      const plan = plans[s.postIdx]!;
      result.push({
        postId,
        platformId: post.platformId,
        role,
        version: plan.current.number,
        newVersions: plan.newVersions.length,
        contentHash: plan.current.hash,
        evidence: s.loc,
      });
      if (plan.newVersions.length) return [];
      return [
        {
          postId,
          versionId: versionIds.get(`${postId}:${s.number}`)!,
          role,
          file: s.loc.file,
          offset: s.loc.offset,
          length: s.loc.length,
          recordId: s.loc.recordId,
        },
      ];
    });
    await this.insertMany(
      `INSERT INTO capture_post (capture_id, post_id, version_id, role, seen_at, warc_file, warc_offset, warc_length, warc_record_id)
       SELECT ${captureId}, value->>'postId', value->>'versionId', value->>'role', '${now}', value->>'file', value->>'offset',
              value->>'length', value->>'recordId'
       FROM json_each(?) WHERE true ON CONFLICT (capture_id, post_id) DO NOTHING`,
      sightingRows,
    );

    if (input.appraise) {
      const rows = result.flatMap((r, i) => {
        if (!r.newVersions && r.role !== 'main') return [];
        const { post, role } = posts[sightings[i]!.postIdx]!;
        const appraisal = input.appraise!(
          post,
          role,
          accountRoles.get(`${post.account.platform}\u0000${post.account.handle}`) ?? null,
        );
        return appraisal ? [{ postId: r.postId, appraisal }] : [];
      });
      await saveAppraisals(db, rows, now);
    }

    const main = result.find((r) => r.role === 'main');
    if (main) await db.run('UPDATE capture SET post_id = ? WHERE id = ?', [main.postId, captureId]);
    if (input.backfill) {
      await db.run(
        `UPDATE backfill SET cursor = ?, pages = pages + 1, posts = posts + ?, updated_at = ?,
           status = CASE WHEN ? THEN 'done' ELSE status END, finished_at = CASE WHEN ? THEN ? ELSE finished_at END
         WHERE id = ?`,
        [
          input.backfill.cursor,
          posts.length,
          now,
          input.backfill.done,
          input.backfill.done,
          now,
          input.backfill.id,
        ],
      );
    }
    const newVersions = versionRows.length;
    if (input.captureId === undefined) {
      await appendAudit(this.db, {
        actor: input.requestedBy,
        action: 'capture.done',
        subject: input.url,
        detail: {
          capture: captureId,
          trigger: input.trigger,
          channel: input.channel,
          post: main?.postId ?? null,
          version: main?.version ?? null,
          sha256: main?.contentHash ?? null,
          posts: result.length,
          newVersions,
        },
      });
    }
    return {
      captureId,
      posts: result,
      newVersions,
      media: { stored: mediaRows.length, revisits: mediaByUrl.size - mediaRows.length },
    };
  }

  /** Accounts of these posts, inserted or refreshed; their ids by `platform\0handle`. */
  private async upsertAccounts(
    posts: { post: NormalisedPost }[],
    now: string,
    roles?: Map<string, string>,
  ): Promise<Map<string, number>> {
    const accounts = new Map<string, NormalisedPost['account']>();
    for (const { post } of posts)
      accounts.set(`${post.account.platform}\u0000${post.account.handle}`, post.account);
    const ids = new Map<string, number>();
    for (const r of await this.insertMany<{ id: number; platform: string; handle: string; role: string }>(
      `INSERT INTO account (platform, handle, platform_id, display_name, url, first_seen, last_seen)
       SELECT value->>'platform', value->>'handle', value->>'platformId', value->>'displayName', value->>'url', ?1, ?1
       FROM json_each(?2) WHERE true
       ON CONFLICT (platform, handle) DO UPDATE SET
         platform_id = coalesce(excluded.platform_id, account.platform_id),
         display_name = coalesce(excluded.display_name, account.display_name),
         url = coalesce(excluded.url, account.url),
         last_seen = excluded.last_seen
       RETURNING id, platform, handle, role`,
      [...accounts.values()],
      now,
    )) {
      ids.set(`${r.platform}\u0000${r.handle}`, r.id);
      roles?.set(`${r.platform}\u0000${r.handle}`, r.role);
    }
    return ids;
  }

  /** Post rows (mutable state: status, last seen); their ids by `platform\0platformId`. */
  private async upsertPosts(
    posts: { post: NormalisedPost }[],
    plans: { total: number }[],
    accountIds: Map<string, number>,
    now: string,
  ): Promise<Map<string, number>> {
    const upserted = await this.insertMany<{ id: number; platform: string; platform_id: string }>(
      `INSERT INTO post (platform, platform_id, url, api_ref, account_id, kind, parent_platform_id, status, created_at, first_seen,
                         last_seen, next_check_at, reply_count)
       SELECT value->>'platform', value->>'platformId', value->>'url', value->>'apiRef', value->>'accountId', value->>'kind',
              value->>'parent', value->>'status', value->>'createdAt', value->>'seen', value->>'seen', value->>'nextCheck',
              value->>'replies'
       FROM json_each(?) WHERE true
       ON CONFLICT (platform, platform_id) DO UPDATE SET
         url = excluded.url, api_ref = coalesce(excluded.api_ref, post.api_ref),
         account_id = coalesce(excluded.account_id, post.account_id),
         parent_platform_id = coalesce(excluded.parent_platform_id, post.parent_platform_id),
         created_at = coalesce(excluded.created_at, post.created_at),
         status = excluded.status, last_seen = excluded.last_seen,
         next_check_at = coalesce(post.next_check_at, excluded.next_check_at),
         reply_count = coalesce(excluded.reply_count, post.reply_count), missing_since = NULL
       RETURNING id, platform, platform_id`,
      posts.map(({ post }, i) => ({
        platform: post.platform,
        platformId: post.platformId,
        url: post.url,
        apiRef: post.apiRef,
        accountId: accountIds.get(`${post.account.platform}\u0000${post.account.handle}`) ?? null,
        kind: post.kind,
        parent: post.parentPlatformId,
        status: plans[i]!.total > 1 ? 'edited' : 'live',
        createdAt: post.createdAt,
        seen: now,
        nextCheck: CHECKABLE.has(post.platform)
          ? this.recheckSchedule
            ? nextCheckAt(this.recheckSchedule, post.createdAt, now, Date.parse(now))
            : now
          : null,
        replies: post.counts.replies ?? null,
      })),
    );
    return new Map(upserted.map((r) => [`${r.platform}\u0000${r.platform_id}`, r.id]));
  }

  private postRecord(
    post: NormalisedPost,
    v: VersionPlan,
    content: PostContent,
    provenance: Record<string, unknown>,
    responseIdByUrl: Map<string, string>,
    kind: 'version' | 'observation',
  ) {
    const source = post.sourceUrl ? responseIdByUrl.get(post.sourceUrl) : undefined;
    const uri = `urn:archiefbot:${post.platform}:${kind}:${encodeURIComponent(post.platformId)}:${v.number}`;
    return metadataRecord(
      uri,
      {
        type: `archiefbot/post-${kind}`,
        post: {
          platform: post.platform,
          platformId: post.platformId,
          url: post.url,
          kind: post.kind,
          parent: post.parentPlatformId,
          createdAt: post.createdAt,
          editedAt: post.editedAt,
          account: post.account,
          counts: post.counts,
        },
        version: { number: v.number, origin: v.origin, validFrom: v.validFrom, contentHash: v.hash, content },
        provenance: { ...provenance, sourceUrl: post.sourceUrl },
      },
      source ? { recordId: source, url: post.sourceUrl! } : undefined,
    );
  }
}

function header(ex: Exchange, name: string): string | null {
  return ex.responseHeaders.find(([k]) => k.toLowerCase() === name)?.[1] ?? null;
}

function mediaType(mime: string | null): string {
  const top = (mime ?? '').split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'unknown';
}

function withSha(content: PostContent, media: Map<string, { sha256: string }>) {
  return {
    ...content,
    media: content.media.map((m) => ({ ...m, sha256: media.get(m.url)?.sha256 ?? null })),
  };
}

/**
 * Which versions a capture adds. Entries of the platform's own edit history that the archive does not
 * hold yet become versions marked `platform-history`; the content as captured now becomes a new
 * version only when its hash differs from the latest version held.
 */
export function planVersions(
  post: NormalisedPost,
  known: { number: number; hash: string; validFrom: string | null }[],
): { newVersions: VersionPlan[]; current: VersionPlan; total: number } {
  const have = new Set(known.map((k) => `${k.validFrom}|${k.hash}`));
  let next = (known.at(-1)?.number ?? 0) + 1;
  let latest = known.at(-1)?.hash ?? null;
  const out: VersionPlan[] = [];
  const history = post.history ?? [];
  for (const entry of history.slice(0, -1)) {
    const hash = contentHash(entry.content);
    if (have.has(`${entry.at}|${hash}`) || hash === latest) continue;
    out.push({
      number: next++,
      origin: 'platform-history',
      validFrom: entry.at,
      content: entry.content,
      hash,
    });
    latest = hash;
  }
  const hash = contentHash(post.content);
  let current: VersionPlan;
  if (hash !== latest) {
    current = {
      number: next++,
      origin: 'capture',
      validFrom: post.editedAt ?? post.createdAt,
      content: post.content,
      hash,
    };
    out.push(current);
  } else {
    current = { number: next - 1, origin: 'capture', validFrom: null, content: post.content, hash };
  }
  return { newVersions: out, current, total: next - 1 };
}
