/**
 * The X (Twitter) archive: the zip from "Settings → Your account → Download an archive of your data".
 *
 * Shapes relied on (as the archive's own `data/README.txt` describes them, and as public readers of it
 * parse them, e.g. TheExGenesis/community-archive docs/archive_data.md):
 * - `data/tweets.js` (older archives: `data/tweet.js`; large ones continue in `tweets-part1.js`, …) is
 *   JavaScript: `window.YTD.tweets.part0 = [ { "tweet": { … } }, … ]`. A tweet has `id_str`,
 *   `full_text` (HTML entities escaped: `&amp;`), `created_at` ("Wed Mar 01 10:00:00 +0000 2017"),
 *   `lang`, `favorite_count`/`retweet_count` as strings, `in_reply_to_status_id_str`, `entities` and
 *   `extended_entities.media[]` (`id_str`, `type` photo|video|animated_gif, `media_url_https`), and
 *   since 2022 `edit_info`: `initial.editTweetIds` on a tweet never edited, `edit.initialTweetId` on
 *   each later version of an edited one (every version is its own tweet in the file).
 * - `data/tweets_media/<tweet id>-<file name>` holds the media files (older: `data/tweet_media/`).
 * - `data/deleted-tweets.js` (`window.YTD.deleted_tweets.part0`, tweets with `deleted_at`) and
 *   `data/deleted_tweets_media/`, where X kept them.
 * - `data/account.js`: `window.YTD.account.part0 = [{ "account": { "username", "accountId",
 *   "accountDisplayName" } }]`.
 *
 * Identity and content as the X connector (src/capture/connectors/x/api.ts) keys and normalises the
 * API's answers, so a post captured through the API and found in the archive is the same post with the
 * same content hash: `x:post:<id of its first version>` (an edited tweet is one post, its versions
 * its edit history), the text as X gives it (entities escaped, t.co links kept), media keyed
 * `x:media:<media_key>` (the archive's `id_str` with the media_key prefix of its type: 3_ photo,
 * 7_ video, 16_ animated GIF). Long posts (`note-tweet.js`) are kept as the 280 characters of
 * tweets.js: a listed miss.
 */
import path from 'node:path';
import { z } from 'zod';
import type { AccountInfo, HistoryEntry, MediaItem, MediaType, NormalisedPost } from '../../domain/types.ts';
import {
  badData,
  type ExportArchive,
  type ExportMedia,
  type ExportPost,
  type ExportSource,
  memberUri,
  mimeOf,
  type ParsedExport,
  uniqueById,
  validMember,
} from './export-file.ts';

const FORMAT = 'X archive';
const YTD = /^\s*window\.YTD\.[A-Za-z0-9_]+\.part\d+\s*=\s*/;

const Media = z.looseObject({
  id_str: z.string(),
  type: z.string(),
  media_url_https: z.string(),
  ext_alt_text: z.string().nullish(),
});
const Tweet = z.looseObject({
  id_str: z.string(),
  full_text: z.string(),
  created_at: z.string(),
  lang: z.string().nullish(),
  favorite_count: z.union([z.string(), z.number()]).nullish(),
  retweet_count: z.union([z.string(), z.number()]).nullish(),
  in_reply_to_status_id_str: z.string().nullish(),
  possibly_sensitive: z.boolean().nullish(),
  deleted_at: z.string().nullish(),
  entities: z.looseObject({ media: z.array(Media).nullish() }).nullish(),
  extended_entities: z.looseObject({ media: z.array(Media).nullish() }).nullish(),
  edit_info: z
    .looseObject({
      initial: z.looseObject({ editTweetIds: z.array(z.string()).nullish() }).nullish(),
      edit: z.looseObject({ initialTweetId: z.string().nullish() }).nullish(),
    })
    .nullish(),
});
type Tweet = z.infer<typeof Tweet>;
const Tweets = z.array(z.looseObject({ tweet: Tweet }));
const Account = z.array(
  z.looseObject({
    account: z.looseObject({
      username: z.string(),
      accountId: z.string(),
      accountDisplayName: z.string().nullish(),
    }),
  }),
);

/** Whether the zip is an X archive. */
export function isXArchive(zip: ExportArchive): boolean {
  return zip.first('data/tweets.js', 'data/tweet.js') !== null;
}

const stripYtd = (text: string) => text.replace(YTD, '').replace(/;\s*$/, '');

/** Reads and validates one `window.YTD…` member. */
async function ytd<T>(
  zip: ExportArchive,
  member: string,
  schema: z.ZodType<T>,
): Promise<{ value: T; body: Buffer }> {
  const { value, body } = await zip.json(member, FORMAT, stripYtd);
  return { value: validMember(zip.fileName, member, FORMAT, schema, value), body };
}

export async function parseXArchive(
  zip: ExportArchive,
  sha256: string,
  handle: string | null,
): Promise<ParsedExport> {
  const sources: ExportSource[] = [];
  const source = (member: string, body: Buffer) => {
    const uri = memberUri(sha256, member);
    sources.push({ member, uri, mime: 'application/javascript', body });
    return uri;
  };
  const account = await readAccount(zip, handle, source);
  const names = zip.names();
  const parts = (base: string) =>
    names.filter((n) => n === `data/${base}.js` || new RegExp(`^data/${base}-part\\d+\\.js$`).test(n)).sort();
  const live = parts('tweets').length ? parts('tweets') : parts('tweet');
  const mediaDir = zip.first('data/tweets.js') ? 'data/tweets_media/' : 'data/tweet_media/';
  const out: ExportPost[] = [];
  const missing = { n: 0 };
  for (const member of live) {
    const { value, body } = await ytd(zip, member, Tweets);
    const uri = source(member, body);
    out.push(
      ...groupEdits(value.map((t) => t.tweet)).map((g) =>
        toPost(g, account, uri, names, mediaDir, sha256, missing),
      ),
    );
  }
  for (const member of parts('deleted-tweets')) {
    const { value, body } = await ytd(zip, member, Tweets);
    const uri = source(member, body);
    for (const g of groupEdits(value.map((t) => t.tweet))) {
      const p = toPost(g, account, uri, names, 'data/deleted_tweets_media/', sha256, missing);
      out.push({ ...p, status: 'deleted' });
    }
  }
  return {
    format: 'x-archive',
    platform: 'x',
    account,
    posts: uniqueById(out),
    sources,
    missingMedia: missing.n,
  };
}

async function readAccount(
  zip: ExportArchive,
  handle: string | null,
  source: (member: string, body: Buffer) => string,
): Promise<AccountInfo> {
  const member = 'data/account.js';
  const held = zip.has(member) ? await ytd(zip, member, Account) : null;
  if (held) source(member, held.body);
  const a = held?.value[0]?.account;
  const username = (handle ?? a?.username ?? '').replace(/^@/, '');
  if (!username) throw badData(zip.fileName, member, FORMAT, 'no username: name the account with --account');
  return {
    platform: 'x',
    handle: username,
    platformId: a && a.username.toLowerCase() === username.toLowerCase() ? a.accountId : null,
    displayName: a?.accountDisplayName ?? null,
    url: `https://x.com/${username}`,
  };
}

const byId = (a: Tweet, b: Tweet) => (BigInt(a.id_str) < BigInt(b.id_str) ? -1 : 1);

/** Tweets grouped by edit chain (every version of an edited tweet is its own tweet), oldest first. */
function groupEdits(tweets: Tweet[]): Tweet[][] {
  const groups = new Map<string, Tweet[]>();
  for (const t of tweets) {
    const first = t.edit_info?.edit?.initialTweetId ?? t.id_str;
    groups.set(first, [...(groups.get(first) ?? []), t]);
  }
  return [...groups.values()].map((g) => g.sort(byId));
}

const TYPES: Record<string, MediaType> = { photo: 'image', video: 'video', animated_gif: 'gifv' };
/** The media_key prefix X gives each media type (the API's `media_key` is `<prefix>_<id>`). */
const KEY_PREFIX: Record<string, string> = { photo: '3', video: '7', animated_gif: '16' };
const postKey = (id: string) => `x:post:${id}`;

function toPost(
  versions: Tweet[],
  account: AccountInfo,
  sourceUri: string,
  names: string[],
  mediaDir: string,
  sha256: string,
  missing: { n: number },
): ExportPost {
  const t = versions.at(-1)!;
  const first = versions[0]!.id_str;
  const files: ExportMedia[] = [];
  const content = (v: Tweet) => {
    const media = mediaOf(v, names, mediaDir, sha256, files, missing);
    return {
      text: v.full_text,
      html: null,
      title: null,
      spoilerText: '',
      sensitive: v.possibly_sensitive ?? false,
      visibility: null,
      language: v.lang ?? null,
      media,
    };
  };
  const history: HistoryEntry[] = versions.map((v) => ({ at: iso(v.created_at), content: content(v) }));
  const post: NormalisedPost = {
    platform: 'x',
    platformId: postKey(first),
    url: `https://x.com/${account.handle}/status/${first}`,
    apiRef: null,
    account,
    kind: t.in_reply_to_status_id_str ? 'reply' : t.full_text.startsWith('RT @') ? 'repost' : 'post',
    parentPlatformId: t.in_reply_to_status_id_str ? postKey(t.in_reply_to_status_id_str) : null,
    createdAt: iso(versions[0]!.created_at),
    editedAt: versions.length > 1 ? iso(t.created_at) : null,
    content: history.at(-1)!.content,
    counts: { likes: Number(t.favorite_count ?? 0), reposts: Number(t.retweet_count ?? 0) },
    history: versions.length > 1 ? history : null,
    sourceUrl: sourceUri,
  };
  return { post, media: [...new Map(files.map((f) => [f.uri, f])).values()] };
}

/** A tweet's media items; each file found in the media folder is stored and listed by its URI. */
function mediaOf(
  t: Tweet,
  names: string[],
  dir: string,
  sha256: string,
  files: ExportMedia[],
  missing: { n: number },
): MediaItem[] {
  const listed = t.extended_entities?.media ?? t.entities?.media ?? [];
  const candidates = names.filter((n) => n.startsWith(`${dir}${t.id_str}-`));
  const used = new Set<string>();
  return listed.map((m): MediaItem => {
    const base = path.posix.basename(new URL(m.media_url_https).pathname);
    const file =
      candidates.find((c) => !used.has(c) && c.endsWith(`-${base}`)) ??
      (m.type === 'photo' ? undefined : candidates.find((c) => !used.has(c) && /\.(mp4|mov|webm)$/i.test(c)));
    if (file) used.add(file);
    else missing.n++;
    const uri = file ? memberUri(sha256, file) : m.media_url_https;
    if (file) files.push({ member: file, uri, mime: mimeOf(file) });
    const key = `x:media:${KEY_PREFIX[m.type] ?? '3'}_${m.id_str}`;
    return { key, url: uri, type: TYPES[m.type] ?? 'unknown', description: m.ext_alt_text ?? null };
  });
}

/** X's "Wed Mar 01 10:00:00 +0000 2017" as ISO 8601. */
function iso(date: string): string {
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? date : new Date(ms).toISOString();
}
