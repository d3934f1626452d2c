import type { Exchange } from '../../domain/exchange.ts';
import type { Appraisal, CaptureMethod, NormalisedPost, Trigger } from '../../domain/types.ts';
import type { RecordLocation } from '../warc.ts';

export type PostRole = 'main' | 'ancestor' | 'reply' | 'account';

export interface IngestInput {
  url: string;
  trigger: Trigger;
  requestedBy: string | null;
  channel: string | null;
  method: CaptureMethod;
  posts: { post: NormalisedPost; role: PostRole }[];
  exchanges: Exchange[];
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
}

export interface IngestResult {
  captureId: number;
  posts: IngestedPost[];
  newVersions: number;
  media: { stored: number; revisits: number };
}
