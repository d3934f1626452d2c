/**
 * Meta's "Download your information" (Accounts Centre), JSON format, for Facebook and Instagram.
 *
 * Shapes relied on (the export's own layout; public readers of it, e.g. the typed `posts_1.json`
 * interface "InstagramExportedPost { media: Media[]; title; creation_timestamp }" with
 * `Media { uri, creation_timestamp, media_metadata, title, cross_post_source }`):
 * - Facebook: `your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json` (older
 *   exports: `posts/your_posts_1.json`; more files `_2`, `_3`… when large): an array of
 *   `{ timestamp, data: [{ post }, { update_timestamp }], attachments: [{ data: [{ media: { uri,
 *   creation_timestamp, title, description } } | { external_context: { url } }] }], title }`.
 * - Instagram: `your_instagram_activity/content/posts_1.json` (older: `content/posts_1.json`): an
 *   array of `{ media: [{ uri, creation_timestamp, title }], title?, creation_timestamp? }` (a
 *   single-photo post carries its caption in `media[0].title`).
 * - Media files by their relative `uri` inside the zip.
 * - The account: Instagram `personal_information/personal_information/personal_information.json`
 *   (`profile_user[0].string_map_data.Username.value`), Facebook
 *   `personal_information/profile_information/profile_information.json` (`profile_v2.name.full_name`).
 * - Meta's mojibake: every string is its UTF-8 bytes written as latin-1 code points ("Ã©" for "é");
 *   they are decoded back.
 *
 * Identity: these exports carry no post id and no post URL, so a post is keyed by its account and
 * creation time (`<handle>:<unix seconds>`, `:2`… for a second post of the same second) and gets a `urn:` in place of a URL; such posts are not
 * matched with posts captured through the Graph API (which keys by the Graph id).
 */
import { z } from 'zod';
import type { AccountInfo, MediaItem, NormalisedPost, Platform } from '../../domain/types.ts';
import {
  badData,
  type ExportArchive,
  type ExportMedia,
  type ExportPost,
  type ExportSource,
  mediaTypeOf,
  memberUri,
  mimeOf,
  type ParsedExport,
  uniqueById,
  validMember,
} from './export-file.ts';

const FB_POSTS = [
  /^your_facebook_activity\/posts\/your_posts__check_ins__photos_and_videos_\d+\.json$/,
  /^posts\/your_posts_\d+\.json$/,
];
// Later Instagram exports have been seen with `media/` in place of `content/`: both are read.
const IG_POSTS = [
  /^your_instagram_activity\/(content|media)\/posts_\d+\.json$/,
  /^content\/posts_\d+\.json$/,
];

const Media = z.looseObject({
  uri: z.string(),
  creation_timestamp: z.number().nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
});
const FbPost = z.looseObject({
  timestamp: z.number(),
  data: z
    .array(z.looseObject({ post: z.string().nullish(), update_timestamp: z.number().nullish() }))
    .nullish(),
  attachments: z
    .array(z.looseObject({ data: z.array(z.looseObject({ media: Media.nullish() })).nullish() }))
    .nullish(),
  title: z.string().nullish(),
});
const IgPost = z.looseObject({
  media: z.array(Media).min(1),
  title: z.string().nullish(),
  creation_timestamp: z.number().nullish(),
});

/** Which Meta export the zip is, by its posts files; null when neither. */
export function metaFormat(zip: ExportArchive): 'facebook' | 'instagram' | null {
  const names = zip.names();
  if (names.some((n) => IG_POSTS.some((r) => r.test(n)))) return 'instagram';
  if (names.some((n) => FB_POSTS.some((r) => r.test(n)))) return 'facebook';
  return null;
}

/** Meta's mojibake undone: a string of code points ≤ 0xFF that are UTF-8 bytes, decoded. */
export function unmojibake(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for latin-1 code points only
  if (!/^[\u0000-\u00ff]*$/.test(s) || !/[\u0080-\u00ff]/.test(s)) return s;
  const decoded = Buffer.from(s, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? s : decoded;
}

function fixStrings(v: unknown): unknown {
  if (typeof v === 'string') return unmojibake(v);
  if (Array.isArray(v)) return v.map(fixStrings);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fixStrings(x)]));
  return v;
}

export async function parseMeta(
  zip: ExportArchive,
  sha256: string,
  platform: 'facebook' | 'instagram',
  handle: string | null,
): Promise<ParsedExport> {
  const format = platform === 'facebook' ? 'Facebook export' : 'Instagram export';
  const account = await readAccount(zip, platform, handle, format);
  const sources: ExportSource[] = [];
  const posts: ExportPost[] = [];
  const missing = { n: 0 };
  const seen = new Map<number, number>();
  const members = zip
    .names()
    .filter((n) => (platform === 'facebook' ? FB_POSTS : IG_POSTS).some((r) => r.test(n)))
    .sort();
  for (const member of members) {
    const { value, body } = await zip.json(member, format);
    const uri = memberUri(sha256, member);
    sources.push({ member, uri, mime: 'application/json', body });
    const fixed = fixStrings(value);
    const entries =
      platform === 'facebook'
        ? validMember(zip.fileName, member, format, z.array(FbPost), fixed).map(fromFacebook)
        : validMember(zip.fileName, member, format, z.array(IgPost), fixed).map(fromInstagram);
    for (const e of entries) {
      // Two posts of the same second get `:2`, `:3` in the order the export lists them.
      const n = (seen.get(e.at) ?? 0) + 1;
      seen.set(e.at, n);
      posts.push(toPost(e, n, platform, account, uri, zip, sha256, missing));
    }
  }
  return { format: platform, platform, account, posts: uniqueById(posts), sources, missingMedia: missing.n };
}

interface Entry {
  at: number;
  edited: number | null;
  text: string;
  title: string | null;
  media: z.infer<typeof Media>[];
}

function fromFacebook(p: z.infer<typeof FbPost>): Entry {
  const edited = p.data?.find((d) => d.update_timestamp)?.update_timestamp ?? null;
  return {
    at: p.timestamp,
    edited: edited && edited !== p.timestamp ? edited : null,
    text: p.data?.find((d) => d.post)?.post ?? '',
    title: p.title ?? null,
    media: (p.attachments ?? []).flatMap((a) => (a.data ?? []).flatMap((d) => (d.media ? [d.media] : []))),
  };
}

function fromInstagram(p: z.infer<typeof IgPost>): Entry {
  return {
    at: p.creation_timestamp ?? p.media[0]!.creation_timestamp ?? 0,
    edited: null,
    text: p.title ?? (p.media.length === 1 ? (p.media[0]!.title ?? '') : ''),
    title: null,
    media: p.media,
  };
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

function toPost(
  e: Entry,
  nth: number,
  platform: Platform,
  account: AccountInfo,
  sourceUri: string,
  zip: ExportArchive,
  sha256: string,
  missing: { n: number },
): ExportPost {
  const files: ExportMedia[] = [];
  const media = e.media.map((m): MediaItem => {
    const member = zip.first(m.uri, m.uri.replace(/^\/+/, ''));
    if (!member) missing.n++;
    const uri = member ? memberUri(sha256, member) : m.uri;
    if (member) files.push({ member, uri, mime: mimeOf(member) });
    const description =
      e.media.length > 1 || platform === 'facebook' ? (m.description ?? m.title ?? null) : null;
    return { key: m.uri, url: uri, type: mediaTypeOf(mimeOf(m.uri)), description: description || null };
  });
  const id = `${account.handle}:${e.at}${nth > 1 ? `:${nth}` : ''}`;
  const post: NormalisedPost = {
    platform,
    platformId: id,
    url: `urn:archiefbot:${platform}-export:${encodeURIComponent(id)}`,
    apiRef: null,
    account,
    kind: 'post',
    parentPlatformId: null,
    createdAt: iso(e.at),
    editedAt: e.edited ? iso(e.edited) : null,
    content: {
      text: e.text,
      html: null,
      title: e.title,
      spoilerText: '',
      sensitive: false,
      visibility: null,
      language: null,
      media,
    },
    counts: {},
    history: null,
    sourceUrl: sourceUri,
  };
  return { post, media: files };
}

async function readAccount(
  zip: ExportArchive,
  platform: 'facebook' | 'instagram',
  handle: string | null,
  format: string,
): Promise<AccountInfo> {
  const member =
    platform === 'instagram'
      ? zip.first(
          'personal_information/personal_information/personal_information.json',
          'account_information/personal_information.json',
        )
      : zip.first(
          'personal_information/profile_information/profile_information.json',
          'profile_information/profile_information.json',
        );
  let found: string | null = null;
  if (member && !handle) {
    const v = fixStrings((await zip.json(member, format)).value) as Record<string, unknown>;
    found =
      platform === 'instagram'
        ? (pick(v, ['profile_user', 0, 'string_map_data', 'Username', 'value']) ?? null)
        : (pick(v, ['profile_v2', 'name', 'full_name']) ?? pick(v, ['profile', 'name', 'full_name']) ?? null);
  }
  const name = (handle ?? found ?? '').replace(/^@/, '');
  if (!name)
    throw badData(
      zip.fileName,
      member ?? 'personal_information',
      format,
      'no account name: name it with --account',
    );
  const host = platform === 'instagram' ? 'www.instagram.com' : 'www.facebook.com';
  return {
    platform,
    handle: name,
    platformId: null,
    displayName: found,
    url: `https://${host}/${encodeURIComponent(name)}`,
  };
}

function pick(v: unknown, path: (string | number)[]): string | undefined {
  let at: unknown = v;
  for (const k of path)
    at = at && typeof at === 'object' ? (at as Record<string | number, unknown>)[k] : undefined;
  return typeof at === 'string' ? at : undefined;
}
