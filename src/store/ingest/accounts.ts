import type { AccountInfo } from '../../domain/types.ts';
import { appendAudit } from '../audit.ts';
import type { Db } from '../db.ts';

interface AccountRow {
  id: number;
  platform: string;
  handle: string;
  platform_id: string | null;
}

/**
 * Handle changes, before an ingest upserts its accounts by handle. An account the archive holds
 * under the same platform id with another handle (a Bluesky DID whose handle changed) takes the new
 * handle: one account, never a second row with the same id. The old handle stays in
 * `account_handle_change` and the audit log (migration 14), and the account's post URLs that name
 * it by the old handle are rewritten (the post row holds the URL as it is now; the versions keep
 * the one they were captured under). A platform id that is a DID is the account's global identity,
 * so a row that still holds the new handle for another DID (the handle was someone else's) gives it
 * up, marked `<handle> (was <did>)` (its post URLs then name it by DID), rather than be merged into
 * the wrong account.
 */
export async function applyHandleChanges(db: Db, accounts: AccountInfo[], now: string): Promise<void> {
  const keyed = accounts.filter((a) => a.platformId);
  if (!keyed.length) return;
  const rows = await db.all<AccountRow>(
    `SELECT id, platform, handle, platform_id FROM account
     WHERE (platform, platform_id) IN (SELECT value->>0, value->>1 FROM json_each(?1))
        OR (platform, handle) IN (SELECT value->>0, value->>2 FROM json_each(?1))`,
    [JSON.stringify(keyed.map((a) => [a.platform, a.platformId, a.handle]))],
  );
  for (const a of keyed) {
    const held = rows.find((r) => r.platform === a.platform && r.platform_id === a.platformId);
    const holder = rows.find((r) => r.platform === a.platform && r.handle === a.handle);
    if (held?.handle === a.handle) continue;
    if (holder && holder.platform_id !== a.platformId) {
      if (!a.platformId!.startsWith('did:') || !holder.platform_id?.startsWith('did:')) continue;
      // Its post URLs name it by DID from now on (bsky.app takes a DID where a handle goes).
      await rename(db, holder, `${holder.handle} (was ${holder.platform_id})`, null, now, holder.platform_id);
    } else if (holder) continue; // two rows with this id already (made before migration 14): leave them
    if (held) await rename(db, held, a.handle, a.url, now);
  }
}

/** `inUrls`: what replaces the old handle in the account's post URLs (the new handle, or its DID). */
async function rename(
  db: Db,
  row: AccountRow,
  handle: string,
  url: string | null,
  now: string,
  inUrls: string = handle,
) {
  await db.run('UPDATE account SET handle = ?, url = coalesce(?, url) WHERE id = ?', [handle, url, row.id]);
  await db.run(
    `INSERT INTO account_handle_change (account_id, platform, old_handle, new_handle, detected_at)
     VALUES (?, ?, ?, ?, ?)`,
    [row.id, row.platform, row.handle, handle, now],
  );
  await db.run(
    `UPDATE post SET url = replace(url, '/' || ?1 || '/', '/' || ?2 || '/')
     WHERE account_id = ?3 AND instr(url, '/' || ?1 || '/') > 0`,
    [row.handle, inUrls, row.id],
  );
  await appendAudit(db, {
    actor: null,
    action: 'account.handle-change',
    subject: url ?? handle,
    detail: { platform: row.platform, platformId: row.platform_id, from: row.handle, to: handle },
  });
  row.handle = handle;
}

/**
 * The account a handle names now or named before (a handle change the archive saw), by platform:
 * the current holder first. For links that carry a handle that has since changed.
 */
export async function accountByHandle(
  db: Db,
  platform: string,
  handle: string,
): Promise<{ id: number; handle: string; platformId: string | null } | undefined> {
  return db.get<{ id: number; handle: string; platformId: string | null }>(
    `SELECT id, handle, platform_id AS platformId FROM account
     WHERE platform = ?1 AND (handle = ?2 OR id IN (
       SELECT account_id FROM account_handle_change WHERE platform = ?1 AND old_handle = ?2))
     ORDER BY handle = ?2 DESC, id DESC LIMIT 1`,
    [platform, handle],
  );
}
