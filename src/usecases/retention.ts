/**
 * Retention, holds and lawful destruction (issue 13, item 4), as the CLI and the chat run them:
 *
 * - `appraise`: an archivist sets B/V, the term and the selectielijst category for a post or an account
 *   (it wins over the knowledge base's appraisal);
 * - `hold add | list | release`: a hold covers what its selection names now and what it named when it
 *   was made; release is for admins;
 * - `dispose --due`: a destruction list of the posts appraised V whose term has passed and that no
 *   hold covers (B never, unappraised never);
 * - `dispose --approve <list>`: a different admin approves; every item is checked again (term,
 *   appraisal, holds) and a list that no longer holds is withdrawn, not executed in part; then the
 *   posts are destroyed (src/store/destroy.ts) and the destruction records are the verklaring van
 *   vernietiging.
 */
import { UsageError } from '../domain/errors.ts';
import { accountIds, resolveSelection, type SelectionSpec } from '../export/selection.ts';
import type { Archive } from '../store/archive.ts';
import { appendAudit } from '../store/audit.ts';
import { destroyPosts } from '../store/destroy.ts';
import { findPostId } from '../store/queries.ts';
import {
  addHold,
  type DestructionRecord,
  type DisposalList,
  destructions,
  effectiveAppraisal,
  extendHold,
  getList,
  type Hold,
  heldAtCreation,
  type ListItem,
  listHolds,
  postsPastTerm,
  proposeList,
  releaseHold,
  setAppraisal,
} from '../store/retention.ts';

export interface AppraiseRequest {
  /** A post (id, URL) or, with `account`, an account. */
  ref: string;
  account?: boolean;
  valuation: 'B' | 'V';
  termYears?: number | null;
  category?: string | null;
  reason?: string | null;
  actor: string;
}

export async function appraise(
  archive: Archive,
  req: AppraiseRequest,
): Promise<{ scope: string; targets: number[] }> {
  if (req.valuation === 'V' && !req.termYears)
    throw new UsageError('a V appraisal needs its term in years (--term)', 'retention.term-required');
  const post = req.account ? undefined : await findPostId(archive.db, req.ref);
  const targets = post !== undefined ? [post] : await accountIds(archive.db, req.ref);
  if (!targets.length)
    throw new UsageError(`the archive holds no post or account "${req.ref}"`, 'export.nothing-named', {
      ref: req.ref,
    });
  const scope = post !== undefined ? 'post' : 'account';
  for (const targetId of targets)
    await setAppraisal(archive.db, {
      scope,
      targetId,
      valuation: req.valuation,
      termYears: req.valuation === 'V' ? (req.termYears ?? null) : null,
      category: req.category ?? null,
      reason: req.reason ?? null,
      actor: req.actor,
    });
  return { scope, targets };
}

export async function holdAdd(
  archive: Archive,
  spec: SelectionSpec,
  reason: string,
  actor: string,
): Promise<{ id: number; describe: string; posts: number }> {
  if (!reason.trim())
    throw new UsageError('say why the hold is made (--reason)', 'retention.reason-required');
  const selection = await resolveSelection(archive.db, spec);
  const id = await addHold(archive.db, {
    selection: spec,
    describe: selection.describe,
    reason: reason.trim(),
    actor,
    postIds: selection.all,
  });
  return { id, describe: selection.describe, posts: selection.all.length };
}

export async function holdList(archive: Archive, all = false): Promise<Hold[]> {
  return listHolds(archive.db, all);
}

export async function holdRelease(archive: Archive, id: number, actor: string): Promise<void> {
  if (!(await releaseHold(archive.db, id, actor)))
    throw new UsageError(`there is no active hold ${id}`, 'retention.hold-unknown', { id });
}

/**
 * Every post an active hold covers, with the holds: what each named when made, and what its selection
 * names now (those are added to the hold, so the version trigger protects them too).
 */
export async function heldPosts(archive: Archive): Promise<Map<number, number[]>> {
  const held = await heldAtCreation(archive.db);
  for (const h of await listHolds(archive.db)) {
    let now: number[] = [];
    try {
      now = (await resolveSelection(archive.db, JSON.parse(h.selection) as SelectionSpec)).all;
    } catch {
      // The selection names nothing now: the posts it named when made stay held.
    }
    const added = now.filter((id) => !held.get(id)?.includes(h.id));
    if (added.length) await archive.db.transaction(() => extendHold(archive.db, h.id, added));
    for (const id of added) held.set(id, [...(held.get(id) ?? []), h.id]);
  }
  return held;
}

/** The posts whose term has passed and that no hold covers, as destruction-list items. */
export async function dueItems(archive: Archive, now = new Date()): Promise<ListItem[]> {
  const held = await heldPosts(archive);
  return (await postsPastTerm(archive.db, now))
    .filter((p) => !held.has(p.postId))
    .map((p) => ({
      post: p.postId,
      url: p.url,
      account: p.account,
      category: p.category,
      termYears: p.termYears!,
      start: p.start,
      due: p.due!,
    }));
}

/** `dispose --due`: proposes a destruction list of what is due (none when nothing is). */
export async function proposeDue(
  archive: Archive,
  actor: string,
  now = new Date(),
): Promise<{ list: number | null; items: ListItem[] }> {
  const items = await dueItems(archive, now);
  if (!items.length) return { list: null, items };
  return { list: await proposeList(archive.db, items, actor), items };
}

async function withdraw(archive: Archive, list: DisposalList, actor: string, why: Record<string, unknown>) {
  await archive.db.transaction(async () => {
    await archive.db.run(`UPDATE disposal_list SET status = 'withdrawn' WHERE id = ?`, [list.id]);
    await appendAudit(archive.db, {
      actor,
      action: 'retention.withdraw',
      subject: `destruction list ${list.id}`,
      detail: why,
    });
  });
}

/** Items of the list that may no longer be destroyed: held now, or no longer V past its term. */
async function staleItems(archive: Archive, list: DisposalList, now: Date): Promise<number[]> {
  const held = await heldPosts(archive);
  const stale: number[] = [];
  for (const item of list.items) {
    const a = await effectiveAppraisal(archive.db, item.post);
    if (held.has(item.post) || !a || a.valuation !== 'V' || !a.due || a.due > now.toISOString())
      stale.push(item.post);
  }
  return stale;
}

/** `dispose --approve <list>`: a different admin approves; the posts are destroyed. */
export async function approveList(
  archive: Archive,
  id: number,
  approver: string,
  now = new Date(),
): Promise<{ list: DisposalList; records: DestructionRecord[] }> {
  const list = await getList(archive.db, id);
  if (!list) throw new UsageError(`there is no destruction list ${id}`, 'retention.list-unknown', { id });
  if (list.status !== 'proposed')
    throw new UsageError(`destruction list ${id} is ${list.status}`, 'retention.list-not-proposed', {
      id,
      status: list.status,
    });
  if (list.proposedBy === approver)
    throw new UsageError(
      `destruction list ${id} was proposed by ${approver}: a different admin must approve it`,
      'retention.same-admin',
      { id, user: approver },
    );
  const stale = await staleItems(archive, list, now);
  if (stale.length) {
    await withdraw(archive, list, approver, { stale });
    throw new UsageError(
      `destruction list ${id} no longer holds (held or not due: posts ${stale.join(', ')}); it is withdrawn, propose a new one`,
      'retention.list-stale',
      { id, posts: stale.join(', ') },
    );
  }
  await destroyPosts(archive.db, archive.warcDir, list, approver);
  return { list: (await getList(archive.db, id))!, records: await destructions(archive.db, id) };
}

/** The destruction record(s): of one list, or all. */
export async function destructionRecord(archive: Archive, listId?: number): Promise<DestructionRecord[]> {
  return destructions(archive.db, listId);
}
