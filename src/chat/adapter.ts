import type { ChatPlatform, ReplyTarget } from './chat.ts';
import type { Reply } from './reply.ts';

/**
 * One chat platform (DESIGN.md, "ChatAdapter"). It turns platform events into ChatCommands for the
 * Bot and renders the Bot's Replies; it holds no business logic.
 */
export interface ChatAdapter {
  readonly platform: ChatPlatform;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends a reply to a thread or channel (also proactively: capture results, alerts). */
  send(target: ReplyTarget, reply: Reply): Promise<void>;
}
