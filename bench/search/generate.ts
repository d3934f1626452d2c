/**
 * bench/search/generate.ts: a large archive for the search and monitor benches, cached on disk.
 *
 * The database is created by the project's own migrations (as `Archive.open` does: the real schema, the FTS5
 * index and its trigger, the evidence triggers), then filled by batched `INSERT … SELECT FROM
 * json_each` statements — the writer's own batching technique — instead of the full ingest writer,
 * which would also write and fsync WARC files and seal every row (about 8 minutes per million
 * versions on this machine). The rows search and the monitor read are what the writer stores:
 * accounts, posts (platform, ids, url, api_ref, kind, status, created_at, the re-check columns),
 * versions (number, times, content JSON with the text, the text that the FTS trigger indexes).
 * What differs: the WARC locations are placeholders (no WARC files exist) and the evidence rows
 * are left unsealed; neither is read by search or by the monitor's selections.
 *
 * Word frequencies follow Zipf's law (s = 1.07) over 60,000 words: the first ones real Dutch
 * function and government words, the rest generated (some with diacritics, so folding matters).
 * Posts: 85 % of versions are first versions, the rest edits of earlier posts (so edited-away
 * text is searchable), 3 % of posts deleted. 70 % of posts arrive as backfills (each account's
 * posts newest first, as the platforms page), 30 % as live captures in posting order.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrations.ts';

export const VOCABULARY = 60_000;
const ZIPF_S = 1.07;
const WORDS_PER_POST = 26;

const DUTCH = (
  'de het een en van in op is voor met te dat die niet aan zijn er om ook als bij naar maar over ' +
  'uit nog dan wordt door kabinet minister overheid ministerie rijksoverheid nederland burgers ' +
  'gemeente provincie wet beleid onderzoek onderwijs zorg klimaat energie woningen veiligheid ' +
  'europese economie belasting subsidie toeslagen pensioen arbeidsmarkt stikstof asiel defensie ' +
  'politie justitie rechtspraak verkiezingen gemeenteraad tweede kamer eerste debat brief besluit ' +
  'maatregelen coronavirus vaccinatie infrastructuur waterstaat luchtvaart spoor wegen fiets ' +
  'landbouw natuur visserij voedsel gezondheid jeugd sport cultuur media erfgoed archief ' +
  'digitale overheidsinformatie openbaarheid woo archiefwet informatiehuishouding ' +
  'staatssecretaris premier koning troonrede prinsjesdag miljoenennota begroting'
).split(' ');
const DIACRITIC = ['ministérie', 'coördinatie', 'reünie', 'café', 'ideeën', 'financiële', 'geïnformeerd'];

/** A deterministic random generator (LCG), so every run builds the same archive. */
export function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** The vocabulary, most frequent first. */
export function vocabulary(): string[] {
  const words = [...DUTCH];
  const syll = [
    'ka',
    'be',
    'ri',
    'jo',
    'ver',
    'ont',
    'sta',
    'mel',
    'dor',
    'lin',
    'pas',
    'wet',
    'gen',
    'hui',
    'zo',
  ];
  const seen = new Set(words);
  const r = rng(42);
  while (words.length < VOCABULARY) {
    const n = 2 + Math.floor(r() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += syll[Math.floor(r() * syll.length)];
    // Every 997th word carries a diacritic (the word itself, then the word plus a generated tail).
    const d = DIACRITIC[(words.length / 997) % DIACRITIC.length];
    if (words.length % 997 === 0 && d) w = seen.has(d) ? `${d}${w}` : d;
    if (seen.has(w)) w += String(words.length % 97);
    if (seen.has(w)) continue;
    seen.add(w);
    words.push(w);
  }
  return words;
}

function zipfSampler(n: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + 1) ** ZIPF_S;
    cdf[i] = sum;
  }
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const PLATFORM_SHARE: [string, number][] = [
  ['mastodon', 0.3],
  ['bluesky', 0.14],
  ['x', 0.15],
  ['linkedin', 0.15],
  ['facebook', 0.1],
  ['instagram', 0.08],
  ['youtube', 0.04],
  ['threads', 0.02],
  ['web', 0.02],
];
export const ACCOUNTS = 400;

interface Account {
  id: number;
  platform: string;
  handle: string;
}

function accountsOf(random: () => number): Account[] {
  const out: Account[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    let u = random();
    let platform = PLATFORM_SHARE[0]![0];
    for (const [p, share] of PLATFORM_SHARE) {
      if (u < share) {
        platform = p;
        break;
      }
      u -= share;
    }
    const handle = platform === 'mastodon' ? `ministerie${i}@social.overheid.nl` : `ministerie${i}`;
    out.push({ id: i + 1, platform, handle });
  }
  return out;
}

/** The cached database's file for this many versions (generated on first use; about 2 minutes per million). */
export async function benchArchive(versions: number, log = console.error): Promise<string> {
  const dir = path.join(
    process.env.BENCH_DIR ?? path.join(tmpdir(), 'archiefbot-bench'),
    `search-${versions}`,
  );
  const file = path.join(dir, 'archiefbot.db');
  if (existsSync(file)) return dir;
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const t0 = Date.now();
  // As Archive.open sets it up (not imported here, so the generator does not load the capture side).
  const db = await Db.open(path.join(building, 'archiefbot.db'));
  await db.exec('PRAGMA journal_mode = WAL');
  await db.exec('PRAGMA synchronous = NORMAL');
  await migrate(db);
  await fill(db, versions, log);
  await db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  await db.exec('ANALYZE');
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  log(`generated ${versions} versions in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${file}`);
  return dir;
}

async function fill(db: Db, versions: number, log: (s: string) => void): Promise<void> {
  const random = rng(7);
  const words = vocabulary();
  const word = zipfSampler(words.length, random);
  const accounts = accountsOf(random);
  const now = Date.parse('2026-11-01T00:00:00Z');
  const span = 3 * 365 * 86_400_000;
  const t = new Date(now).toISOString();
  await db.run(
    `INSERT INTO account (id, platform, handle, platform_id, display_name, url, first_seen, last_seen)
     SELECT j.value->>'id', j.value->>'platform', j.value->>'handle', 'acct:' || (j.value->>'id'),
            'Ministerie ' || (j.value->>'id'), 'https://example.org/' || (j.value->>'handle'), ?1, ?1
     FROM json_each(?2) j`,
    [t, JSON.stringify(accounts)],
  );
  // Account sizes follow Zipf too: a few big corporate accounts, many small ones.
  const accountOf = zipfSampler(accounts.length, random);
  const posts = Math.round(versions * 0.85);
  const backfilled = Math.round(posts * 0.7);
  const text = () =>
    Array.from({ length: WORDS_PER_POST - 6 + Math.floor(random() * 12) }, () => words[word()]!).join(' ');
  // Backfill first: per account, newest first (ids grow as time goes back), then live captures.
  const plan: { account: Account; created: number }[] = [];
  for (let i = 0; i < backfilled; i++)
    plan.push({ account: accounts[accountOf()]!, created: now - span * random() });
  plan.sort((a, b) => a.account.id - b.account.id || b.created - a.created);
  const live = posts - backfilled;
  for (let i = 0; i < live; i++)
    plan.push({ account: accounts[accountOf()]!, created: now + (i / live) * 86_400_000 * 20 });
  const BATCH = 5000;
  let versionId = 0;
  const edits: { post: number; number: number }[] = [];
  const editsWanted = versions - posts;
  for (let start = 0; start < plan.length; start += BATCH) {
    const rows = plan.slice(start, start + BATCH).map((p, k) => {
      const id = start + k + 1;
      const body = text();
      const deleted = random() < 0.03;
      if (edits.length < editsWanted && random() < (editsWanted / posts) * 1.3)
        edits.push({ post: id, number: 2 });
      const created = new Date(p.created).toISOString();
      return postRow(id, p.account, created, body, deleted, ++versionId);
    });
    await insertBatch(db, rows);
    if ((start / BATCH) % 20 === 0) log(`  ${start + rows.length} / ${posts} posts`);
  }
  // Edits come later (higher version ids): the text changes a few words.
  for (let start = 0; start < edits.length; start += BATCH) {
    const rows = edits
      .slice(start, start + BATCH)
      .map((e) => ({ post_id: e.post, number: e.number, id: ++versionId, text: text() }));
    await db.transaction(() =>
      db.run(
        `INSERT INTO version (id, post_id, number, captured_at, valid_from, content_hash, content, text, origin, trigger, method, misses,
                              warc_file, warc_offset, warc_length, warc_record_id)
         SELECT j.value->>'id', j.value->>'post_id', j.value->>'number', ?1, ?1, hex(randomblob(32)),
                json_object('text', j.value->>'text', 'media', json('[]')), j.value->>'text', 'capture', 'recheck', 'api', '[]',
                'bench.warc.gz', 0, 0, '<urn:uuid:bench>'
         FROM json_each(?2) j`,
        [t, JSON.stringify(rows)],
      ),
    );
  }
  await db.run(
    "UPDATE post SET status = 'edited' WHERE status = 'live' AND id IN (SELECT post_id FROM version WHERE number = 2)",
  );
}

function postRow(
  id: number,
  account: Account,
  created: string,
  body: string,
  deleted: boolean,
  versionId: number,
) {
  const pid = `${account.platform}-${id}`;
  const url = `https://${account.platform}.example/${account.handle}/${id}`;
  return {
    id,
    platform: account.platform,
    platform_id: account.platform === 'mastodon' ? `https://social.overheid.nl/users/x/statuses/${id}` : pid,
    url,
    api_ref: account.platform === 'mastodon' ? `https://social.overheid.nl/api/v1/statuses/${id}` : null,
    account_id: account.id,
    status: deleted ? 'deleted' : 'live',
    created_at: created,
    text: body,
    version_id: versionId,
  };
}

async function insertBatch(db: Db, rows: ReturnType<typeof postRow>[]): Promise<void> {
  const json = JSON.stringify(rows);
  const t = new Date().toISOString();
  await db.transaction(async () => {
    await db.run(
      `INSERT INTO post (id, platform, platform_id, url, api_ref, account_id, kind, status, created_at, first_seen, last_seen,
                         next_check_at, last_checked_at, content_seen_at)
       SELECT j.value->>'id', j.value->>'platform', j.value->>'platform_id', j.value->>'url', j.value->>'api_ref',
              j.value->>'account_id', 'post', j.value->>'status', j.value->>'created_at', ?1, ?1,
              CASE WHEN j.value->>'platform' != 'web' THEN strftime('%Y-%m-%dT%H:%M:%fZ', ?1, '+' || (abs(random()) % 604800) || ' seconds') END,
              ?1, ?1
       FROM json_each(?2) j`,
      [t, json],
    );
    await db.run(
      `INSERT INTO version (id, post_id, number, captured_at, valid_from, content_hash, content, text, origin, trigger, method, misses,
                            warc_file, warc_offset, warc_length, warc_record_id)
       SELECT j.value->>'version_id', j.value->>'id', 1, ?1, j.value->>'created_at', hex(randomblob(32)),
              json_object('text', j.value->>'text', 'media', json('[]')), j.value->>'text', 'capture', 'watch', 'api', '[]',
              'bench.warc.gz', 0, 0, '<urn:uuid:bench>'
       FROM json_each(?2) j`,
      [t, json],
    );
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? process.env.BENCH_VERSIONS ?? 1_000_000);
  console.log(await benchArchive(n));
}
