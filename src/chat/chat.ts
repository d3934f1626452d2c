import type { BackfillOutcome, PostCaptureOutcome } from '../capture/pipeline.ts';
import type { ChatPlatform, ReplyTarget } from '../domain/target.ts';
import type { ErrorData } from './presenters.ts';
import type { Lang } from './reply.ts';

export type { ChatPlatform, ReplyTarget };

/** A platform event, translated by an adapter into the one shape the core understands. */
export interface ChatCommand {
  platform: ChatPlatform;
  user: string;
  userName?: string;
  channel: string;
  /** What the user typed (mention and slash-command name stripped). */
  text?: string;
  /** A button press: the command the button carries. */
  action?: { command: string };
  replyTo: ReplyTarget;
  /**
   * The conversation is the asker's alone (a direct message with the bot, Teams' personal scope, the
   * terminal), as the platform itself says. Only there does an answer carry a personal sign-in link
   * for the viewer; absent or false: others may read the answer.
   */
  private?: boolean;
}

export interface CaptureRequestFromChat {
  url: string;
  requestedBy: string;
  channel: string;
  replyTo: ReplyTarget;
  lang: Lang;
  /** `browser`: render the page in headless Chromium (`archiveer <url> browser`); absent: the pipeline chooses. */
  method?: 'browser';
}

/** What the core needs from the capture queue. */
export interface CaptureService {
  /**
   * Queues a capture. Within the idempotency window the same URL gives the job already there
   * (`duplicate`); if that job has already finished, `finished` carries its outcome to answer now.
   */
  enqueue(req: CaptureRequestFromChat): Promise<{
    jobId: string;
    duplicate: boolean;
    finished?: { outcome?: PostCaptureOutcome | BackfillOutcome; failure?: string | ErrorData };
  }>;
  counts(): Promise<Record<string, number>>;
}
