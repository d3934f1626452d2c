import { randomBytes } from 'node:crypto';
import type { ReplyTarget } from '../domain/target.ts';
import type { Lang } from '../domain/types.ts';
import type { Db } from './db.ts';

/**
 * Requests acknowledged in chat (a capture, a watch), recorded before the acknowledgement and kept
 * until answered, so that losing Redis loses no request: whatever Redis no longer knows is queued
 * again from here, and each asker is answered once. Every write runs in a write transaction of its
 * own (never inside a capture's, which a full disk may roll back).
 */
export type RequestKind = 'capture' | 'watch';
export type RequestState = 'queued' | 'answering' | 'answered' | 'undeliverable';

export interface ChatRequest {
  id: number;
  kind: RequestKind;
  url: string;
  requestedBy: string;
  channel: string;
  replyTo: ReplyTarget;
  lang: Lang;
  /** The capture method asked for (`browser`); null: the pipeline chooses. */
  method: 'browser' | null;
  jobId: string | null;
  state: RequestState;
  requeues: number;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: number;
  kind: RequestKind;
  url: string;
  requested_by: string;
  channel: string;
  reply_to: string;
  lang: Lang;
  method: 'browser' | null;
  job_id: string | null;
  state: RequestState;
  requeues: number;
  created_at: string;
  updated_at: string;
}

/** A claim to answer that is older than this belongs to a process that died: it may be taken over. */
const CLAIM_STALE_MS = 120_000;
/** Answered requests are forgotten after this many days (when a new one is recorded). */
const KEEP_DAYS = 90;
/** After this many failed sends an answer is given up (the platform keeps refusing it). */
const MAX_SEND_ERRORS = 5;

function fromRow(r: Row): ChatRequest {
  return {
    id: r.id,
    kind: r.kind,
    url: r.url,
    requestedBy: r.requested_by,
    channel: r.channel,
    replyTo: JSON.parse(r.reply_to) as ReplyTarget,
    lang: r.lang,
    method: r.method ?? null,
    jobId: r.job_id,
    state: r.state,
    requeues: r.requeues,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * A job id of our own for a request (BullMQ's counter starts again at 1 after Redis lost its data,
 * so its ids would name other jobs): the request's number and a random tail, e.g. `r17-3fa9c1`.
 */
export function requestJobId(requestId: number): string {
  return `r${requestId}-${randomBytes(3).toString('hex')}`;
}

/** Records a request with the job id it will be queued under; returns the stored request. */
export async function recordRequest(
  db: Db,
  r: Pick<ChatRequest, 'kind' | 'url' | 'requestedBy' | 'channel' | 'replyTo' | 'lang'> &
    Partial<Pick<ChatRequest, 'method'>>,
  at = new Date().toISOString(),
): Promise<ChatRequest> {
  return db.transaction(async () => {
    const forget = new Date(Date.parse(at) - KEEP_DAYS * 86_400_000).toISOString();
    await db.run(`DELETE FROM chat_request WHERE state IN ('answered','undeliverable') AND updated_at < ?`, [
      forget,
    ]);
    const { lastID } = await db.run(
      `INSERT INTO chat_request (kind, url, requested_by, channel, reply_to, lang, method, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [r.kind, r.url, r.requestedBy, r.channel, JSON.stringify(r.replyTo), r.lang, r.method ?? null, at, at],
    );
    const jobId = requestJobId(lastID);
    await db.run('UPDATE chat_request SET job_id = ? WHERE id = ?', [jobId, lastID]);
    const row = await db.get<Row>('SELECT * FROM chat_request WHERE id = ?', [lastID]);
    return fromRow(row!);
  });
}

/** Forgets a request that was never acknowledged (queueing it failed and the asker was told so). */
export async function dropRequest(db: Db, id: number): Promise<void> {
  await db.transaction(() => db.run(`DELETE FROM chat_request WHERE id = ? AND state = 'queued'`, [id]));
}

/**
 * Moves a request from one job to another (queued again, or joined to the job already running for
 * its URL). Only when it still has `from`: of two processes moving it, one wins.
 */
export async function moveRequest(
  db: Db,
  id: number,
  from: string | null,
  to: string,
  opts: { requeue?: boolean } = {},
): Promise<boolean> {
  const { changes } = await db.transaction(() =>
    db.run(
      `UPDATE chat_request SET job_id = ?, requeues = requeues + ?, updated_at = ?
       WHERE id = ? AND job_id IS ? AND state = 'queued'`,
      [to, opts.requeue ? 1 : 0, new Date().toISOString(), id, from],
    ),
  );
  return changes === 1;
}

/** Requests still waiting for their answer (with claims to answer that went stale), oldest first. */
export async function openRequests(db: Db, kind: RequestKind, now = Date.now()): Promise<ChatRequest[]> {
  const stale = new Date(now - CLAIM_STALE_MS).toISOString();
  const rows = await db.all<Row>(
    `SELECT * FROM chat_request
     WHERE kind = ? AND (state = 'queued' OR (state = 'answering' AND updated_at < ?)) ORDER BY id`,
    [kind, stale],
  );
  return rows.map(fromRow);
}

/**
 * Claims the requests waiting for this job's answer (or just the one given by `id`): each is answered
 * by whoever claims it, once, also with more than one serve process listening.
 */
export async function claimAnswers(
  db: Db,
  where: { jobId: string } | { id: number },
  now = Date.now(),
): Promise<ChatRequest[]> {
  const stale = new Date(now - CLAIM_STALE_MS).toISOString();
  const [column, value] = 'jobId' in where ? ['job_id', where.jobId] : ['id', where.id];
  return db.transaction(async () => {
    const rows = await db.all<Row>(
      `SELECT * FROM chat_request
       WHERE ${column} = ? AND (state = 'queued' OR (state = 'answering' AND updated_at < ?)) ORDER BY id`,
      [value, stale],
    );
    const at = new Date(now).toISOString();
    for (const r of rows) {
      await db.run(`UPDATE chat_request SET state = 'answering', updated_at = ? WHERE id = ?`, [at, r.id]);
    }
    return rows.map(fromRow);
  });
}

/** The answer went out (or was given as the command's reply). */
export async function markAnswered(db: Db, id: number): Promise<void> {
  const at = new Date().toISOString();
  await db.transaction(() =>
    db.run(`UPDATE chat_request SET state = 'answered', answered_at = ?, updated_at = ? WHERE id = ?`, [
      at,
      at,
      id,
    ]),
  );
}

/** Sending the answer failed: back to waiting (the sweeper tries again), given up after a few tries. */
export async function answerFailed(db: Db, id: number): Promise<void> {
  await db.transaction(() =>
    db.run(
      `UPDATE chat_request SET send_errors = send_errors + 1, updated_at = ?,
         state = CASE WHEN send_errors + 1 >= ? THEN 'undeliverable' ELSE 'queued' END
       WHERE id = ?`,
      [new Date().toISOString(), MAX_SEND_ERRORS, id],
    ),
  );
}

/** Whether any request was recorded for this job (jobs queued before requests were recorded have none). */
export async function hasRequests(db: Db, jobId: string): Promise<boolean> {
  return Boolean(await db.get('SELECT 1 FROM chat_request WHERE job_id = ? LIMIT 1', [jobId]));
}

/** One request, for tests and the sweeper's log. */
export async function getRequest(db: Db, id: number): Promise<ChatRequest | undefined> {
  const row = await db.get<Row>('SELECT * FROM chat_request WHERE id = ?', [id]);
  return row ? fromRow(row) : undefined;
}
