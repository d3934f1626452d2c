/**
 * Mastodon's account export ("Preferences → Import and export → Data export → Request your archive"),
 * a zip in current Mastodon (mastodon/mastodon PR #35850 turns on Zip64 for large ones); older
 * servers wrote a .tar.gz, read by ./tar.ts.
 *
 * Shapes relied on (mastodon/mastodon app/services/backup_service.rb writes them; ActivityStreams 2.0):
 * - `outbox.json`: an ActivityPub `OrderedCollection` whose `orderedItems` are the account's
 *   activities: `Create` with a `Note` object (`id` = the status URI, `url`, `published`, `updated`
 *   after an edit, `content` HTML, `contentMap`, `summary` = content warning, `sensitive`, `to`/`cc`
 *   for the visibility, `inReplyTo`, `attachment[]` with `mediaType`, `url`, `name` = alt text), and
 *   `Announce` (boosts of others' posts, left out).
 * - `media_attachments/files/<id partition>/original/<file>`: the media, stored under the file's own
 *   path, and each attachment's `url` rewritten to that path (the URL's path without `/system/`);
 *   the partition spells the attachment's id.
 * - `actor.json`: the account (`id`, `preferredUsername`, `name`, `url`).
 *
 * Identity: a post is keyed by its status URI (the Note's `id`), as Mastodon captures key it, so a
 * post captured through the API and found in the export is the same post.
 */
import { z } from 'zod';
import type { AccountInfo, MediaItem, MediaType, NormalisedPost } from '../../domain/types.ts';
import { htmlToText } from '../html.ts';
import {
  badData,
  type ExportArchive,
  type ExportMedia,
  type ExportPost,
  memberUri,
  mimeOf,
  type ParsedExport,
  uniqueById,
  validMember,
} from './export-file.ts';

const FORMAT = 'Mastodon export';
const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';

const Attachment = z.looseObject({
  mediaType: z.string().nullish(),
  url: z.string(),
  name: z.string().nullish(),
});
const Note = z.looseObject({
  id: z.string(),
  type: z.string(),
  url: z.string().nullish(),
  published: z.string(),
  updated: z.string().nullish(),
  content: z.string().nullish(),
  contentMap: z.record(z.string(), z.string()).nullish(),
  summary: z.string().nullish(),
  sensitive: z.boolean().nullish(),
  inReplyTo: z.string().nullish(),
  to: z.union([z.array(z.string()), z.string()]).nullish(),
  cc: z.union([z.array(z.string()), z.string()]).nullish(),
  attachment: z.array(Attachment).nullish(),
});
const Outbox = z.looseObject({
  type: z.literal('OrderedCollection'),
  orderedItems: z.array(z.looseObject({ type: z.string(), object: z.unknown() })),
});
const Actor = z.looseObject({
  id: z.string(),
  preferredUsername: z.string(),
  name: z.string().nullish(),
  url: z.string().nullish(),
});

/** Whether the zip is a Mastodon account export. */
export function isMastodon(zip: ExportArchive): boolean {
  return zip.has('outbox.json');
}

export async function parseMastodon(
  zip: ExportArchive,
  sha256: string,
  handle: string | null,
): Promise<ParsedExport> {
  const account = await readActor(zip, handle);
  const { value, body } = await zip.json('outbox.json', FORMAT);
  const outbox = validMember(zip.fileName, 'outbox.json', FORMAT, Outbox, value);
  const uri = memberUri(sha256, 'outbox.json');
  const missing = { n: 0 };
  const posts: ExportPost[] = [];
  outbox.orderedItems.forEach((item, i) => {
    if (item.type !== 'Create' || typeof item.object !== 'object') return;
    const parsed = Note.safeParse(item.object);
    if (!parsed.success)
      throw badData(
        zip.fileName,
        'outbox.json',
        FORMAT,
        `orderedItems.${i}.object: ${parsed.error.issues[0]!.message}`,
      );
    if (parsed.data.type !== 'Note' && parsed.data.type !== 'Question') return;
    posts.push(toPost(parsed.data, account, uri, zip, sha256, missing));
  });
  return {
    format: 'mastodon',
    platform: 'mastodon',
    account,
    posts: uniqueById(posts),
    sources: [{ member: 'outbox.json', uri, mime: 'application/activity+json', body }],
    missingMedia: missing.n,
  };
}

const list = (v: string[] | string | null | undefined) => (Array.isArray(v) ? v : v ? [v] : []);

/** Mastodon's visibility from the addressing (as Mastodon itself derives it). */
function visibility(note: z.infer<typeof Note>): string {
  const to = list(note.to);
  const cc = list(note.cc);
  if (to.includes(PUBLIC)) return 'public';
  if (cc.includes(PUBLIC)) return 'unlisted';
  if (to.some((a) => a.endsWith('/followers'))) return 'private';
  return 'direct';
}

/** The attachment id its file path spells (`files/109/744/721/…/original/x.png`), else the path. */
function attachmentKey(path: string): string {
  const m = /media_attachments\/files\/((?:\d{3}\/)+)/.exec(path);
  return m ? m[1]!.replace(/\//g, '').replace(/^0+/, '') : path;
}

function mediaType(mime: string | null | undefined): MediaType {
  const top = (mime ?? '').split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'unknown';
}

function toPost(
  note: z.infer<typeof Note>,
  account: AccountInfo,
  sourceUri: string,
  zip: ExportArchive,
  sha256: string,
  missing: { n: number },
): ExportPost {
  const files: ExportMedia[] = [];
  const media = (note.attachment ?? []).map((a): MediaItem => {
    // Mastodon writes the path inside the archive (`/media_attachments/files/…`); a full URL's path is tried too.
    const path = (/^https?:/.test(a.url) ? new URL(a.url).pathname : a.url).replace(/^\/+/, '');
    const at = path.indexOf('media_attachments/');
    const local = at > 0 ? path.slice(at) : path;
    const member = zip.first(local, decodeURIComponent(local));
    if (!member) missing.n++;
    const uri = member ? memberUri(sha256, member) : a.url;
    if (member) files.push({ member, uri, mime: a.mediaType ?? mimeOf(member) });
    return { key: attachmentKey(a.url), url: uri, type: mediaType(a.mediaType), description: a.name ?? null };
  });
  const html = note.content ?? '';
  const post: NormalisedPost = {
    platform: 'mastodon',
    platformId: note.id,
    url: note.url ?? note.id,
    apiRef: null,
    account,
    kind: note.inReplyTo ? 'reply' : 'post',
    parentPlatformId: note.inReplyTo ?? null,
    createdAt: note.published,
    editedAt: note.updated ?? null,
    content: {
      text: htmlToText(html),
      html,
      title: null,
      spoilerText: note.summary ?? '',
      sensitive: note.sensitive ?? false,
      visibility: visibility(note),
      language: Object.keys(note.contentMap ?? {})[0] ?? null,
      media,
    },
    counts: {},
    history: null,
    sourceUrl: sourceUri,
  };
  return { post, media: files };
}

async function readActor(zip: ExportArchive, handle: string | null): Promise<AccountInfo> {
  if (!zip.has('actor.json')) {
    if (!handle)
      throw badData(zip.fileName, 'actor.json', FORMAT, 'missing: name the account with --account');
    const [user, host] = handle.replace(/^@/, '').split('@');
    return {
      platform: 'mastodon',
      handle: handle.replace(/^@/, ''),
      platformId: null,
      displayName: null,
      url: host ? `https://${host}/@${user}` : null,
    };
  }
  const { value } = await zip.json('actor.json', FORMAT);
  const actor = validMember(zip.fileName, 'actor.json', FORMAT, Actor, value);
  const host = new URL(actor.id).host;
  return {
    platform: 'mastodon',
    handle: handle?.replace(/^@/, '') ?? `${actor.preferredUsername}@${host}`,
    platformId: null,
    displayName: actor.name ?? null,
    url: actor.url ?? null,
  };
}
