/** Domain types shared by every layer. Names follow docs/design.md. This folder imports nothing of ours. */

/** The two languages the bot speaks. */
export type Lang = 'nl' | 'en';

/** The platforms Archiefbot archives ('web': any other page). */
export const PLATFORMS = [
  'mastodon',
  'bluesky',
  'youtube',
  'x',
  'facebook',
  'instagram',
  'threads',
  'linkedin',
  'web',
] as const;
export type Platform = (typeof PLATFORMS)[number];
export type PostKind = 'post' | 'reply' | 'repost' | 'comment' | 'story' | 'page';
export type PostStatus = 'live' | 'edited' | 'deleted' | 'unavailable';
/** The role of an account (set by watch --role or config/accounts.yaml; `other` until someone sets it). */
export const ACCOUNT_ROLES = ['corporate', 'bewindspersoon', 'official', 'other'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
export type Trigger = 'command' | 'watch' | 'recheck' | 'stream' | 'import' | 'backfill';
export type MediaType = 'image' | 'video' | 'gifv' | 'audio' | 'unknown';

export interface AccountInfo {
  platform: Platform;
  /** Fully qualified handle: `user@host` on Mastodon, the handle on Bluesky, the host for web pages. */
  handle: string;
  /** The platform's own id (Mastodon: `host:id`, Bluesky: the DID). */
  platformId: string | null;
  displayName: string | null;
  url: string | null;
}

export interface MediaItem {
  /** Stable identity on the platform (attachment id, blob CID, or URL): part of the content hash. */
  key: string;
  url: string;
  type: MediaType;
  description: string | null;
}

/** The part of a post that makes a version: what a reader sees, not counters. */
export interface PostContent {
  text: string;
  html: string | null;
  title: string | null;
  spoilerText: string;
  sensitive: boolean;
  visibility: string | null;
  language: string | null;
  media: MediaItem[];
  /**
   * Set on a version that reads the platform's same record again, with what a newer Archiefbot's
   * parsing adds (e.g. a Bluesky quote post's `[quote: …]`): the author changed nothing. `of`: the
   * version it reads again; `why`: how that is known. Not hashed; it raises no edit alert and does
   * not make the post `edited`.
   */
  rereading?: Rereading;
}

export interface Rereading {
  of: number;
  why: string;
}

export interface HistoryEntry {
  /** When the platform says this version was made. */
  at: string;
  content: PostContent;
}

export interface NormalisedPost {
  platform: Platform;
  /** Stable identity: the ActivityPub `uri`, the AT-URI, or the page URL. */
  platformId: string;
  url: string;
  /** Where the connector fetches it again (e.g. `https://host/api/v1/statuses/ID`). */
  apiRef: string | null;
  account: AccountInfo;
  kind: PostKind;
  parentPlatformId: string | null;
  createdAt: string | null;
  editedAt: string | null;
  content: PostContent;
  counts: Record<string, number>;
  /** The platform's own edit history, oldest first, including the current version. */
  history: HistoryEntry[] | null;
  /** The URL of the HTTP response this post was read from; its metadata record refers to it. */
  sourceUrl: string | null;
}

/** What a capture method keeps and misses (Nationaal Archief, legal-framework.md §1.4). */
export interface CaptureMethod {
  id: 'api' | 'web' | 'browser' | 'import';
  label: string;
  captures: string[];
  misses: string[];
}

/** A source of the legal framework: a title and where to read it. */
export interface Source {
  title: string;
  url: string;
}

/** The appraisal (waardering) of an archived post by the knowledge base. */
export interface Appraisal {
  /** B = bewaren (keep permanently), V = vernietigen (destroy after termYears), null = not appraised. */
  valuation: 'B' | 'V' | null;
  rule: string | null;
  /** The destruction term in years where a rule gives one; null when the selectielijst must say. */
  termYears: number | null;
  /** The valuation rests on an inference (an analogy), not on a source that says so. */
  inference: boolean;
  reason: string;
  /** The sources of the rule applied. */
  basis: Source[];
}

/** A klankbordgroep entry that an expert approved (src/store/knowledge.ts approvedEntries). */
export interface ApprovedEntry {
  id: number;
  question: string;
  answer: string;
  source?: string | null;
  language?: Lang | null;
  author: string;
  reviewer: string;
  /** ISO time of approval. */
  reviewedAt: string;
}
