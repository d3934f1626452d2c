import type { Exchange } from '../../domain/exchange.ts';
import type { Appraisal, CaptureMethod, NormalisedPost, Trigger } from '../../domain/types.ts';
import type { RecordLocation } from '../warc.ts';

export type PostRole = 'main' | 'ancestor' | 'reply' | 'account';

/**
 * Something a capture made or was handed rather than fetched over HTTP (a screenshot, a rendered DOM
 * snapshot, a page-info document, an export file): written as a WARC `resource` record (ISO 28500
 * §6.6) under its own URI, after the HTTP records and before the metadata records.
 */
export interface IngestResource {
  /** WARC-Target-URI: e.g. `urn:view:<page url>` for a screenshot (Browsertrix's convention). */
  uri: string;
  /** Content-Type of the block. */
  mime: string;
  body: Buffer;
  /** When it was made (WARC-Date). */
  date: string;
  /**
   * Also a media payload: it gets a media row (stored once by SHA-256), and a post's MediaItem whose
   * `url` is this `uri` gets its SHA-256, so `show` lists it with the version's media.
   */
  media?: boolean;
}

export interface IngestInput {
  url: string;
  trigger: Trigger;
  requestedBy: string | null;
  channel: string | null;
  method: CaptureMethod;
  /** `status: 'deleted'`: the source says the post was deleted (an export's deleted-posts file). */
  posts: { post: NormalisedPost; role: PostRole; status?: 'deleted' }[];
  exchanges: Exchange[];
  /**
   * 'import': the posts come from the platform's own export, not from the platform now. A version is
   * added for content the archive does not hold (origin 'import', valid from its own time), a post
   * already held keeps its state (status, last seen, re-check schedule), and a post with nothing new
   * adds nothing (no sighting): importing the same export twice writes nothing the second time.
   */
  origin?: 'import';
  /** Added to the provenance of every metadata record (an import: the export file's name and SHA-256). */
  provenance?: Record<string, unknown>;
  /**
   * Resource records to write with the exchanges (none: only HTTP and metadata records). In an
   * import, only those something planned refers to and the archive does not hold yet are written.
   */
  resources?: IngestResource[];
  /** Continue an existing capture (account backfill pages) instead of opening a new one. */
  captureId?: number;
  /**
   * The appraisal of a post that gets a new version (the knowledge base's rules), stored with it in
   * the same transaction. `accountRole` is the role recorded for the author's account.
   */
  appraise?: (post: NormalisedPost, role: PostRole, accountRole: string | null) => Appraisal | null;
  /** Account backfill progress, saved in the same transaction as the page it describes. */
  backfill?: { id: number; cursor: string | null; done: boolean };
}

export interface IngestedPost {
  postId: number;
  platformId: string;
  role: PostRole;
  version: number;
  newVersions: number;
  contentHash: string;
  evidence: RecordLocation;
  /** What the post's versions make it (`edited`: served in more than one state; a re-reading is none). */
  status: 'live' | 'edited' | 'deleted';
}

export interface IngestResult {
  captureId: number;
  posts: IngestedPost[];
  newVersions: number;
  media: { stored: number; revisits: number };
}
