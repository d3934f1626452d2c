/**
 * LinkedIn's data export ("Settings → Data privacy → Get a copy of your data"): a zip of CSV files.
 *
 * Shapes relied on (LinkedIn's help page "Download your account data", the export's own headers, and
 * public descriptions of real exports, e.g. the #Indigenomics LinkedIn dataset README: "Date … in the
 * format YYYY-MM-DD HH:MM:SS", ShareLink, ShareCommentary, SharedUrl, MediaUrl, Visibility; Comments:
 * Date, Link, Message):
 * - `Shares.csv`: `Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility`, one row per post;
 *   `Date` as "2023-01-05 10:00:00" (UTC), `ShareLink` the post's URL with its URN percent-encoded
 *   (`https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7016…`), `ShareCommentary` the text
 *   (quoted, line breaks kept), `MediaUrl` a link to the media (the export holds no media files).
 * - `Comments.csv` (related, simple): `Date,Link,Message`, the account's own comments, `Link` naming
 *   the post and (in its `commentUrn` parameter) the comment.
 * - `Profile.csv`: `First Name,Last Name,…` for the account's name when `--account` is not given.
 *
 * Identity: a post is keyed by its URN (`urn:li:share:…`, `urn:li:ugcPost:…`, `urn:li:activity:…`)
 * as its `ShareLink` names it; a comment by its `commentUrn`.
 */
import { parse } from 'csv-parse/sync';
import type { AccountInfo, MediaItem, NormalisedPost, PostKind } from '../../domain/types.ts';
import {
  badData,
  type ExportArchive,
  type ExportPost,
  type ExportSource,
  memberUri,
  type ParsedExport,
  uniqueById,
} from './export-file.ts';

const FORMAT = 'LinkedIn export';

/** Whether the zip is a LinkedIn data export. */
export function isLinkedIn(zip: ExportArchive): boolean {
  return zip.first('Shares.csv') !== null;
}

type Row = Record<string, string>;

/** The rows of one CSV member; a file that is not CSV with these columns names the member. */
async function rows(
  zip: ExportArchive,
  member: string,
  columns: string[],
): Promise<{ rows: Row[]; body: Buffer }> {
  const body = await zip.read(member);
  let parsed: Row[];
  try {
    parsed = parse(body, {
      columns: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
    });
  } catch (err) {
    throw badData(zip.fileName, member, FORMAT, (err as Error).message);
  }
  const have = parsed[0] ? Object.keys(parsed[0]) : columns;
  const lacking = columns.filter((c) => !have.includes(c));
  if (lacking.length) throw badData(zip.fileName, member, FORMAT, `no column ${lacking.join(', ')}`);
  return { rows: parsed, body };
}

export async function parseLinkedIn(
  zip: ExportArchive,
  sha256: string,
  handle: string | null,
): Promise<ParsedExport> {
  const account = await readAccount(zip, handle);
  const sources: ExportSource[] = [];
  const posts: ExportPost[] = [];
  const missing = { n: 0 };
  const shares = await rows(zip, 'Shares.csv', ['Date', 'ShareLink', 'ShareCommentary']);
  const sharesUri = memberUri(sha256, 'Shares.csv');
  sources.push({ member: 'Shares.csv', uri: sharesUri, mime: 'text/csv', body: shares.body });
  shares.rows.forEach((r, i) => {
    const urn = urnOf(r.ShareLink ?? '');
    if (!urn) throw badData(zip.fileName, 'Shares.csv', FORMAT, `row ${i + 2}: no post URN in ShareLink`);
    const media: MediaItem[] = r.MediaUrl
      ? [{ key: r.MediaUrl, url: r.MediaUrl, type: 'unknown', description: null }]
      : [];
    missing.n += media.length;
    const text = [r.ShareCommentary ?? '', r.SharedUrl ?? ''].filter(Boolean).join('\n');
    posts.push({
      post: toPost(
        account,
        urn,
        r.ShareLink!,
        r.Date!,
        text,
        'post',
        null,
        r.Visibility || null,
        media,
        sharesUri,
      ),
      media: [],
    });
  });
  if (zip.has('Comments.csv')) {
    const comments = await rows(zip, 'Comments.csv', ['Date', 'Link', 'Message']);
    const uri = memberUri(sha256, 'Comments.csv');
    sources.push({ member: 'Comments.csv', uri, mime: 'text/csv', body: comments.body });
    for (const r of comments.rows) {
      const id = commentUrn(r.Link ?? '') ?? `${r.Link}#${r.Date}`;
      posts.push({
        post: toPost(
          account,
          id,
          r.Link!,
          r.Date!,
          r.Message ?? '',
          'comment',
          urnOf(r.Link ?? ''),
          null,
          [],
          uri,
        ),
        media: [],
      });
    }
  }
  return {
    format: 'linkedin',
    platform: 'linkedin',
    account,
    posts: uniqueById(posts),
    sources,
    missingMedia: missing.n,
  };
}

/** The post URN a LinkedIn link names (`/feed/update/<urn>`), decoded. */
export function urnOf(link: string): string | null {
  const m = /\/feed\/update\/([^/?#]+)/.exec(link);
  const urn = m ? decodeURIComponent(m[1]!) : null;
  return urn?.startsWith('urn:li:') ? urn : null;
}

function commentUrn(link: string): string | null {
  try {
    return new URL(link).searchParams.get('commentUrn');
  } catch {
    return null;
  }
}

function toPost(
  account: AccountInfo,
  id: string,
  link: string,
  date: string,
  text: string,
  kind: PostKind,
  parent: string | null,
  visibility: string | null,
  media: MediaItem[],
  sourceUri: string,
): NormalisedPost {
  const ms = Date.parse(`${date.replace(' ', 'T')}Z`);
  return {
    platform: 'linkedin',
    platformId: id,
    url: link,
    apiRef: null,
    account,
    kind,
    parentPlatformId: parent,
    createdAt: Number.isNaN(ms) ? null : new Date(ms).toISOString(),
    editedAt: null,
    content: {
      text,
      html: null,
      title: null,
      spoilerText: '',
      sensitive: false,
      visibility,
      language: null,
      media,
    },
    counts: {},
    history: null,
    sourceUrl: sourceUri,
  };
}

async function readAccount(zip: ExportArchive, handle: string | null): Promise<AccountInfo> {
  let name: string | null = null;
  if (zip.has('Profile.csv')) {
    const profile = (await rows(zip, 'Profile.csv', ['First Name', 'Last Name'])).rows[0];
    name = profile ? `${profile['First Name'] ?? ''} ${profile['Last Name'] ?? ''}`.trim() || null : null;
  }
  const chosen = handle ?? name;
  if (!chosen) throw badData(zip.fileName, 'Profile.csv', FORMAT, 'no account name: name it with --account');
  return { platform: 'linkedin', handle: chosen, platformId: null, displayName: name, url: null };
}
