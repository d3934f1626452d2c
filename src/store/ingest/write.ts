import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { WARCParser, type WARCRecord } from 'warcio';
import { accountKey, postKey } from '../../domain/post-key.ts';
import type { AccountInfo } from '../../domain/types.ts';
import { appendAudit } from '../audit.ts';
import type { Db } from '../db.ts';
import { saveAppraisals } from '../knowledge.ts';
import { cutToCommitted } from '../recovery.ts';
import {
  exchangeRecords,
  metadataRecord,
  type RecordLocation,
  recordId,
  resourceRecord,
  revisitRecord,
  type WarcWriter,
} from '../warc.ts';
import { applyHandleChanges } from './accounts.ts';
import type { IngestPlan, PlannedPost } from './plan.ts';
import type { IngestedPost, IngestInput, IngestResult } from './types.ts';

const CHUNK = 5000;

/**
 * Inserts rows in batches through json_each: one statement per 5,000 rows instead of one per row
 * (stack notes: ~10x faster with sqlite3). Returns what a RETURNING clause gives back.
 */
async function insertMany<T = never>(
  db: Db,
  sql: string,
  rows: unknown[],
  ...params: unknown[]
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    out.push(...(await db.all<T>(sql, [...params, JSON.stringify(rows.slice(i, i + CHUNK))])));
  }
  return out;
}

/** Opens the capture row an ingest writes under. */
export async function openCapture(db: Db, input: IngestInput, now: string): Promise<number> {
  const { lastID } = await db.run(
    `INSERT INTO capture (url, trigger, requested_by, channel, status, started_at, finished_at)
     VALUES (?, ?, ?, ?, 'done', ?, ?)`,
    [input.url, input.trigger, input.requestedBy, input.channel, now, now],
  );
  return lastID;
}

/**
 * Writes a plan: its records to the WARC and its rows to the database. Call it inside the write
 * transaction; `written.undo` is set once the records are appended, so a failure (here or at COMMIT)
 * can cut them off again.
 */
export async function writeIngest(
  db: Db,
  warc: WarcWriter,
  plan: IngestPlan,
  written: { undo?: () => Promise<void> },
): Promise<IngestResult> {
  const { now } = plan.capture;
  // Serialising and compressing the evidence (main thread) overlaps with the account and post upserts
  // (SQLite's thread).
  const appending = warc.append(warcRecords(plan)).then((w) => {
    written.undo = w.undo;
    return w;
  });
  let postIds: Map<string, number>;
  try {
    const accountIds = await upsertAccounts(db, plan.accounts, now);
    postIds = await upsertPosts(db, plan.posts, accountIds, now);
  } catch (err) {
    await appending.catch(() => {});
    throw err;
  }
  const { locations } = await appending;
  const exchangeCount = plan.exchanges.length * 2;
  const metadata = locations.slice(exchangeCount + plan.resources.length);
  await insertMedia(db, plan, locations);
  await insertRecords(db, plan.capture.id, [...(await openingRecord(db, warc.dir, locations)), ...locations]);
  await checkpointClosedFiles(db, warc.dir, locations[0]?.file ?? null, now);
  await insertVersions(db, plan, postIds, metadata);
  const posts = plan.posts.map(
    (p): IngestedPost => ({
      postId: postIds.get(p.key)!,
      platformId: p.post.platformId,
      role: p.role,
      version: p.current.number,
      newVersions: p.newVersions.length,
      contentHash: p.current.hash,
      evidence: metadata[p.evidence]!,
      status: p.status,
    }),
  );
  await insertSightings(db, plan, posts);
  await saveAppraisals(
    db,
    plan.posts.flatMap((p, i) => (p.appraisal ? [{ postId: posts[i]!.postId, appraisal: p.appraisal }] : [])),
    now,
  );
  const newVersions = plan.posts.reduce((n, p) => n + p.newVersions.length, 0);
  await finishIngest(db, plan, posts, newVersions);
  return { captureId: plan.capture.id, posts, newVersions, media: plan.media };
}

/**
 * Every record a capture wrote (HTTP records and metadata alike) with the SHA-256 of its gzip member,
 * so each record in a WARC file is known to the database and its bytes are fixed.
 */
export async function insertRecords(db: Db, captureId: number, locations: RecordLocation[]): Promise<void> {
  await insertMany(
    db,
    `INSERT INTO capture_record (capture_id, uri, type, warc_file, warc_offset, warc_length, warc_record_id, warc_sha256)
     SELECT ?, value->>'uri', value->>'type', value->>'file', value->>'offset', value->>'length', value->>'recordId',
            value->>'sha256'
     FROM json_each(?)`,
    locations,
    captureId,
  );
}

/**
 * The warcinfo record that opens the file these records went into, when the database does not hold
 * it yet (the capture that first writes into a file keeps it), so its bytes are fixed too.
 */
async function openingRecord(db: Db, dir: string, locations: RecordLocation[]): Promise<RecordLocation[]> {
  const first = locations[0];
  if (!first || first.offset === 0) return [];
  const held = await db.get('SELECT 1 FROM capture_record WHERE warc_file = ? AND warc_offset = 0', [
    first.file,
  ]);
  if (held) return [];
  const fh = await open(path.join(dir, first.file), 'r');
  try {
    const head = Buffer.alloc(Math.min(first.offset, 1 << 16));
    await fh.read(head, 0, head.length, 0);
    const parser = new WARCParser([head], { parseHttp: false });
    const rec = await parser.parse();
    if (rec?.warcType !== 'warcinfo') return [];
    await rec.readFully(false);
    const length = parser.recordLength;
    const bytes = Buffer.alloc(length);
    await fh.read(bytes, 0, length, 0);
    return [
      {
        file: first.file,
        offset: 0,
        length,
        recordId: rec.warcHeaders.headers.get('WARC-Record-ID') ?? '',
        type: 'warcinfo',
        uri: rec.warcHeaders.headers.get('WARC-Filename') ?? first.file,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      },
    ];
  } finally {
    await fh.close();
  }
}

/**
 * A fixity checkpoint of every WARC file older than the one just written to that has none yet: the
 * writer has moved on from it, so it is closed. The file is first cut back to its committed length
 * (records a killed process left after it are orphans, and recovery never cuts into checkpointed
 * bytes), and the hash covers exactly those bytes; a record another process still appends later is
 * covered by its own record hash. Runs inside the write transaction, so no writer is mid-append.
 */
async function checkpointClosedFiles(db: Db, dir: string, current: string | null, now: string) {
  if (!current) return;
  const older = (await readdir(dir)).filter((f) => /^archiefbot-.*\.warc\.gz$/.test(f) && f < current);
  if (!older.length) return;
  const known = new Set(
    (
      await db.all<{ name: string }>(
        'SELECT name FROM warc_file WHERE name IN (SELECT value FROM json_each(?))',
        [JSON.stringify(older)],
      )
    ).map((r) => r.name),
  );
  for (const name of older.filter((f) => !known.has(f))) {
    const { committed } = await cutToCommitted(db, dir, name);
    if (committed === null) continue; // nothing usable in it: removed
    const { size, sha256 } = await hashFile(path.join(dir, name), committed);
    if (size !== committed) continue; // shorter than the database says: verify reports the damage
    await db.run('INSERT INTO warc_file (name, size, sha256, recorded_at) VALUES (?, ?, ?, ?)', [
      name,
      size,
      sha256,
      now,
    ]);
  }
}

/** SHA-256 and length of a file, read as a stream. */
export async function hashFile(file: string, limit?: number): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file, limit === undefined ? {} : { end: limit - 1 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

/**
 * The plan's records in WARC order: request and response (or revisit) per exchange, the resources,
 * then the metadata.
 */
function warcRecords(plan: IngestPlan): WARCRecord[] {
  const records: WARCRecord[] = [];
  const responseIds: string[] = [];
  for (const { exchange, media } of plan.exchanges) {
    const { request, response } = exchangeRecords(exchange);
    responseIds.push(recordId(response));
    const of = media?.revisitOf;
    if (!of) {
      records.push(request, response);
      continue;
    }
    const original =
      'stored' in of
        ? of.stored
        : {
            recordId: responseIds[of.exchange]!,
            url: plan.exchanges[of.exchange]!.exchange.url,
            date: plan.exchanges[of.exchange]!.exchange.date,
          };
    records.push(request, revisitRecord(exchange, original, media.sha256));
  }
  const resourceIds = plan.resources.map(({ resource: r }) => {
    const rec = resourceRecord(r.uri, r.mime, r.body, r.date);
    records.push(rec);
    return recordId(rec);
  });
  for (const m of plan.metadata) {
    const s = m.source;
    const refersTo = !s
      ? undefined
      : 'exchange' in s
        ? { recordId: responseIds[s.exchange]!, url: s.url }
        : 'resource' in s
          ? { recordId: resourceIds[s.resource]!, url: s.url }
          : s;
    records.push(metadataRecord(m.uri, m.doc, refersTo));
  }
  return records;
}

/** Media rows for payloads stored for the first time (media responses, media resources). */
async function insertMedia(db: Db, plan: IngestPlan, locations: RecordLocation[]) {
  const first = plan.exchanges.length * 2;
  const resources = plan.resources.flatMap(({ resource, media }, i) => {
    if (!media || media.held) return [];
    const loc = locations[first + i]!;
    return [
      {
        sha256: media.sha256,
        type: media.type,
        mime: resource.mime,
        size: resource.body.length,
        url: resource.uri,
        firstSeen: resource.date,
        file: loc.file,
        offset: loc.offset,
        length: loc.length,
        recordId: loc.recordId,
        recordSha256: loc.sha256,
      },
    ];
  });
  const responses = plan.exchanges.flatMap(({ exchange, media }, i) => {
    if (!media || media.revisitOf) return [];
    const loc = locations[2 * i + 1]!;
    return [
      {
        sha256: media.sha256,
        type: media.type,
        mime: media.mime,
        size: exchange.body.length,
        url: exchange.url,
        firstSeen: exchange.date,
        file: loc.file,
        offset: loc.offset,
        length: loc.length,
        recordId: loc.recordId,
        recordSha256: loc.sha256,
      },
    ];
  });
  await insertMany(
    db,
    `INSERT INTO media (sha256, type, mime, size, url, first_seen, warc_file, warc_offset, warc_length, warc_record_id,
                        warc_sha256)
     SELECT value->>'sha256', value->>'type', value->>'mime', value->>'size', value->>'url', value->>'firstSeen',
            value->>'file', value->>'offset', value->>'length', value->>'recordId', value->>'recordSha256'
     FROM json_each(?) WHERE true ON CONFLICT (sha256) DO NOTHING`,
    [...responses, ...resources],
  );
}

/** The new versions and the media each lists. */
async function insertVersions(
  db: Db,
  plan: IngestPlan,
  postIds: Map<string, number>,
  metadata: RecordLocation[],
) {
  const { capture, method } = plan;
  const versions = plan.posts.flatMap((p) => p.newVersions.map((v) => ({ postId: postIds.get(p.key)!, v })));
  const inserted = await insertMany<{ id: number; post_id: number; number: number }>(
    db,
    `INSERT INTO version (post_id, number, captured_at, valid_from, valid_from_latest, content_hash, content, text, origin,
                          trigger, actor, method, misses, capture_id, warc_file, warc_offset, warc_length, warc_record_id,
                          warc_sha256)
     SELECT value->>'postId', value->>'number', value->>'capturedAt', value->>'validFrom', value->>'validFromLatest',
            value->>'hash', value->>'content', value->>'text', value->>'origin', value->>'trigger', value->>'actor',
            value->>'method', value->>'misses', value->>'captureId', value->>'file', value->>'offset', value->>'length',
            value->>'recordId', value->>'recordSha256'
     FROM json_each(?)
     RETURNING id, post_id, number`,
    versions.map(({ postId, v }) => {
      const loc = metadata[v.metadata]!;
      return {
        postId,
        number: v.number,
        capturedAt: capture.now,
        validFrom: v.validFrom,
        validFromLatest: v.validFromLatest,
        hash: v.hash,
        content: JSON.stringify(v.archived),
        text: v.text,
        origin: v.origin,
        trigger: capture.trigger,
        actor: capture.requestedBy,
        method: method.id,
        misses: JSON.stringify(method.misses),
        captureId: capture.id,
        file: loc.file,
        offset: loc.offset,
        length: loc.length,
        recordId: loc.recordId,
        recordSha256: loc.sha256,
      };
    }),
  );
  // RETURNING names no order: find each version's id by post and number.
  const ids = new Map(inserted.map((r) => [`${r.post_id}:${r.number}`, r.id]));
  await insertMany(
    db,
    `INSERT INTO version_media (version_id, position, media_key, url, type, sha256, description)
     SELECT value->>'versionId', value->>'position', value->>'key', value->>'url', value->>'type', value->>'sha256',
            value->>'description'
     FROM json_each(?)`,
    versions.flatMap(({ postId, v }) =>
      v.archived.media.map((m, position) => ({
        versionId: ids.get(`${postId}:${v.number}`)!,
        position,
        key: m.key,
        url: m.url,
        type: m.type,
        sha256: m.sha256,
        description: m.description,
      })),
    ),
  );
}

/**
 * Sighting rows. A post seen with a new version is documented by that version's row (capture_id,
 * evidence); only the posts seen unchanged need a sighting row of their own.
 */
async function insertSightings(db: Db, plan: IngestPlan, posts: IngestedPost[]) {
  await insertMany(
    db,
    `INSERT INTO capture_post (capture_id, post_id, version_id, role, seen_at, warc_file, warc_offset, warc_length, warc_record_id,
                               warc_sha256)
     SELECT ${plan.capture.id}, value->>'postId', value->>'versionId', value->>'role', '${plan.capture.now}', value->>'file',
            value->>'offset', value->>'length', value->>'recordId', value->>'recordSha256'
     FROM json_each(?) WHERE true ON CONFLICT (capture_id, post_id) DO NOTHING`,
    plan.posts.flatMap((p, i) => {
      if (!p.sighting) return [];
      const { postId, evidence } = posts[i]!;
      return [
        {
          postId,
          versionId: p.sighting.versionId,
          role: p.role,
          file: evidence.file,
          offset: evidence.offset,
          length: evidence.length,
          recordId: evidence.recordId,
          recordSha256: evidence.sha256,
        },
      ];
    }),
  );
}

/** The capture's main post, the backfill's progress, and (for a capture opened here) its audit entry. */
async function finishIngest(db: Db, plan: IngestPlan, posts: IngestedPost[], newVersions: number) {
  const { capture, backfill } = plan;
  const main = posts.find((r) => r.role === 'main');
  if (main) await db.run('UPDATE capture SET post_id = ? WHERE id = ?', [main.postId, capture.id]);
  if (backfill) {
    await db.run(
      `UPDATE backfill SET cursor = ?, pages = pages + 1, posts = posts + ?, updated_at = ?,
         status = CASE WHEN ? THEN 'done' ELSE status END, finished_at = CASE WHEN ? THEN ? ELSE finished_at END
       WHERE id = ?`,
      [backfill.cursor, posts.length, capture.now, backfill.done, backfill.done, capture.now, backfill.id],
    );
  }
  if (!capture.opened) {
    // A page of a capture opened earlier (a backfill): sealed by an entry of its own, in this transaction.
    await appendAudit(db, {
      actor: capture.requestedBy,
      action: 'capture.page',
      subject: capture.url,
      detail: { capture: capture.id, posts: posts.length, newVersions, done: backfill?.done ?? null },
    });
    return;
  }
  await appendAudit(db, {
    actor: capture.requestedBy,
    action: 'capture.done',
    subject: capture.url,
    detail: {
      capture: capture.id,
      trigger: capture.trigger,
      channel: capture.channel,
      post: main?.postId ?? null,
      version: main?.version ?? null,
      sha256: main?.contentHash ?? null,
      posts: posts.length,
      newVersions,
    },
  });
}

/** Accounts of these posts, inserted or refreshed; their ids by `accountKey`. */
async function upsertAccounts(db: Db, accounts: AccountInfo[], now: string): Promise<Map<string, number>> {
  await applyHandleChanges(db, accounts, now);
  const rows = await insertMany<{ id: number; platform: string; handle: string }>(
    db,
    `INSERT INTO account (platform, handle, platform_id, display_name, url, first_seen, last_seen)
     SELECT value->>'platform', value->>'handle', value->>'platformId', value->>'displayName', value->>'url', ?1, ?1
     FROM json_each(?2) WHERE true
     ON CONFLICT (platform, handle) DO UPDATE SET
       platform_id = coalesce(excluded.platform_id, account.platform_id),
       display_name = coalesce(excluded.display_name, account.display_name),
       url = coalesce(excluded.url, account.url),
       last_seen = excluded.last_seen
     RETURNING id, platform, handle`,
    accounts,
    now,
  );
  return new Map(rows.map((r) => [accountKey(r), r.id]));
}

/** Post rows (mutable state: status, last seen); their ids by `postKey`. */
async function upsertPosts(
  db: Db,
  posts: PlannedPost[],
  accountIds: Map<string, number>,
  now: string,
): Promise<Map<string, number>> {
  // A post an import found already held keeps its row as it is (the conflict clause changes nothing
  // the platform said); it is upserted all the same, for its id.
  const keep = posts.filter((p) => p.keepState);
  const rows = keep.length ? await upsertPostsKeepingState(db, keep, accountIds, now) : [];
  if (keep.length < posts.length)
    rows.push(
      ...(await upsertPostState(
        db,
        posts.filter((p) => !p.keepState),
        accountIds,
        now,
      )),
    );
  return new Map(rows.map((r) => [postKey({ platform: r.platform, platformId: r.platform_id }), r.id]));
}

type PostIdRow = { id: number; platform: string; platform_id: string };

function postRows(posts: PlannedPost[], accountIds: Map<string, number>, now: string) {
  return posts.map(({ post, status, nextCheck }) => ({
    platform: post.platform,
    platformId: post.platformId,
    url: post.url,
    apiRef: post.apiRef,
    accountId: accountIds.get(accountKey(post.account)) ?? null,
    kind: post.kind,
    parent: post.parentPlatformId,
    status,
    createdAt: post.createdAt,
    seen: now,
    nextCheck,
    replies: post.counts.replies ?? null,
  }));
}

/** New posts of an import inserted; held ones only get what they lacked (account, creation time). */
function upsertPostsKeepingState(
  db: Db,
  posts: PlannedPost[],
  accountIds: Map<string, number>,
  now: string,
): Promise<PostIdRow[]> {
  return insertMany<PostIdRow>(
    db,
    `INSERT INTO post (platform, platform_id, url, api_ref, account_id, kind, parent_platform_id, status, created_at, first_seen,
                       last_seen, content_seen_at, next_check_at, reply_count)
     SELECT value->>'platform', value->>'platformId', value->>'url', value->>'apiRef', value->>'accountId', value->>'kind',
            value->>'parent', value->>'status', value->>'createdAt', value->>'seen', value->>'seen', NULL,
            value->>'nextCheck', value->>'replies'
     FROM json_each(?) WHERE true
     ON CONFLICT (platform, platform_id) DO UPDATE SET
       account_id = coalesce(post.account_id, excluded.account_id),
       created_at = coalesce(post.created_at, excluded.created_at)
     RETURNING id, platform, platform_id`,
    postRows(posts, accountIds, now),
  );
}

/** Post rows as a capture saw them (status, last seen, replies). */
function upsertPostState(
  db: Db,
  posts: PlannedPost[],
  accountIds: Map<string, number>,
  now: string,
): Promise<PostIdRow[]> {
  return insertMany<PostIdRow>(
    db,
    `INSERT INTO post (platform, platform_id, url, api_ref, account_id, kind, parent_platform_id, status, created_at, first_seen,
                       last_seen, content_seen_at, next_check_at, reply_count)
     SELECT value->>'platform', value->>'platformId', value->>'url', value->>'apiRef', value->>'accountId', value->>'kind',
            value->>'parent', value->>'status', value->>'createdAt', value->>'seen', value->>'seen', value->>'seen',
            value->>'nextCheck', value->>'replies'
     FROM json_each(?) WHERE true
     ON CONFLICT (platform, platform_id) DO UPDATE SET
       url = excluded.url, api_ref = coalesce(excluded.api_ref, post.api_ref),
       account_id = coalesce(excluded.account_id, post.account_id),
       parent_platform_id = coalesce(excluded.parent_platform_id, post.parent_platform_id),
       created_at = coalesce(excluded.created_at, post.created_at),
       status = excluded.status, last_seen = excluded.last_seen, content_seen_at = excluded.content_seen_at,
       next_check_at = coalesce(post.next_check_at, excluded.next_check_at),
       reply_count = coalesce(excluded.reply_count, post.reply_count), missing_since = NULL
     RETURNING id, platform, platform_id`,
    postRows(posts, accountIds, now),
  );
}
