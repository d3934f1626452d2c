import { createHash } from 'node:crypto';
import type { MediaItem, NormalisedPost } from '../../../domain/types.ts';
import type { HttpSession } from '../../http.ts';
import { rawBlobCid } from './cid.ts';
import { resolvePds } from './identity.ts';

/**
 * How an image's original blob fared, kept with the media item in the version's content (not part
 * of the content hash, which names the blob by its CID): `verified` (the PDS served bytes that hash to
 * the CID; the item's URL is that getBlob URL), `mismatch` (it served other bytes: recorded, not kept
 * as the original) or `unavailable` (no DID document, no PDS, or the PDS did not serve it).
 */
export interface BlobOriginal {
  status: 'verified' | 'mismatch' | 'unavailable';
  url: string | null;
  /** The SHA-256 of what the PDS served, when it was not the blob. */
  servedSha256?: string;
  detail?: string;
}

/**
 * A Bluesky image as the archive keeps it: the original blob from the author's PDS when it checks
 * out against its CID, with the AppView CDN's re-encoded copy (another size and format, other bytes)
 * as the rendition, captured beside it.
 */
export interface BlueskyImage extends MediaItem {
  original: BlobOriginal;
  /** The CDN's copy (feed_fullsize); captured too, its payload in the WARC and the media table. */
  rendition: string;
}

const CID = /^bafkrei[a-z2-7]{52}$/;

/**
 * Fetches each image's original blob (com.atproto.sync.getBlob on the author's PDS) and its CDN
 * rendition into the session, checks the blob against its CID, and points the media item at the
 * original when it matches (else at the rendition). The media items are replaced in place; what the
 * content hash covers (key, type, description) does not change.
 */
export async function keepOriginals(
  posts: NormalisedPost[],
  http: HttpSession,
  plcUrl: string,
  warn?: (msg: string, detail: Record<string, unknown>) => void,
): Promise<void> {
  const seen = new Map<string, Promise<BlobOriginal>>();
  for (const post of posts) {
    const did = post.account.platformId;
    if (!did) continue;
    post.content.media = await Promise.all(
      post.content.media.map(async (m): Promise<MediaItem> => {
        if (m.type !== 'image' || !CID.test(m.key)) return m;
        const key = `${did}/${m.key}`;
        let fetched = seen.get(key);
        if (!fetched) {
          fetched = original(did, m.key, http, plcUrl);
          seen.set(key, fetched);
        }
        const o = await fetched;
        if (o.status !== 'verified') warn?.('original image blob not kept', { did, cid: m.key, ...o });
        // The rendition, kept beside the original (when the original is not kept, the item points at
        // the rendition and the pipeline fetches it as the item's own file).
        if (o.status === 'verified') await http.get(m.url, { purpose: 'media' }).catch(() => {});
        const image: BlueskyImage = {
          ...m,
          url: o.status === 'verified' ? o.url! : m.url,
          original: o,
          rendition: m.url,
        };
        return image;
      }),
    );
  }
}

async function original(did: string, cid: string, http: HttpSession, plcUrl: string): Promise<BlobOriginal> {
  const found = await resolvePds(did, plcUrl, http);
  if ('problem' in found) return { status: 'unavailable', url: null, detail: found.problem };
  const url = `${found.pds}/xrpc/com.atproto.sync.getBlob?${new URLSearchParams({ did, cid })}`;
  try {
    const res = await http.get(url, { purpose: 'media', accept: '*/*' });
    if (res.status !== 200)
      return { status: 'unavailable', url, detail: `HTTP ${res.status} ${errorName(res.body)}`.trim() };
    if (rawBlobCid(res.body) === cid) return { status: 'verified', url };
    const servedSha256 = createHash('sha256').update(res.body).digest('hex');
    return {
      status: 'mismatch',
      url,
      servedSha256,
      detail: `the bytes served hash to ${rawBlobCid(res.body)}`,
    };
  } catch (err) {
    return { status: 'unavailable', url, detail: (err as Error).message };
  }
}

function errorName(body: Buffer): string {
  try {
    return String((JSON.parse(body.toString('utf8')) as { error?: unknown }).error ?? '');
  } catch {
    return '';
  }
}
