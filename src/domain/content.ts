import { createHash } from 'node:crypto';
import type { PostContent } from './types.ts';

/** JSON with keys sorted at every level, so equal content always gives equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * What makes a version: the text, title, content warning, sensitivity, visibility and the media
 * (by platform identity and alt text). Counters (likes, reposts, replies), HTML markup and the
 * language tag are left out, so a changed like count never makes a new version.
 */
export function hashInput(c: PostContent) {
  return {
    text: c.text,
    title: c.title,
    spoilerText: c.spoilerText,
    sensitive: c.sensitive,
    visibility: c.visibility,
    media: c.media.map((m) => ({ key: m.key, type: m.type, description: m.description })),
  };
}

export function contentHash(c: PostContent): string {
  return sha256Hex(canonicalJson(hashInput(c)));
}

/** The text that goes into the search index for one version. */
export function searchText(c: PostContent): string {
  return [c.title, c.spoilerText, c.text, ...c.media.map((m) => m.description)].filter(Boolean).join('\n');
}
