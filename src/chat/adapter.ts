import type { ChatPlatform, TargetOf } from '../domain/target.ts';
import type { Reply } from './reply.ts';

/**
 * One chat platform. It turns platform events into ChatCommands for the Bot and renders the Bot's
 * Replies; it holds no business logic. Adapters are built on src/bots/kit.ts (one inbox, one way to
 * read settings, one constructor shape) and listed in src/bots/registry.ts.
 */
export interface ChatAdapter<P extends ChatPlatform = ChatPlatform> {
  readonly platform: P;
  start(): Promise<void>;
  /** Takes no new commands, then waits for those in flight. */
  stop(): Promise<void>;
  /** Sends a reply to a thread or channel (also proactively: capture results, alerts). */
  send(target: TargetOf<P>, reply: Reply): Promise<void>;
}
