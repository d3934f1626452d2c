import type { Logger } from 'pino';
import type { ChatAdapter } from './adapter.ts';
import type { ChatPlatform, ReplyTarget } from './chat.ts';
import type { Reply } from './reply.ts';

/**
 * Every message the bot sends on its own initiative (a finished capture, an alert, a watch that is
 * ready or failed) goes out here: through the adapter of the target's platform. A delivery that fails
 * (no adapter for the platform in this process, the platform refusing) is logged and swallowed, so
 * one unreachable channel never stops the others or the job that caused the message.
 */
export class Outbox {
  constructor(
    /** The adapters by platform; serve shares its map, so an adapter added later is used too. */
    readonly adapters: Map<string, ChatAdapter> = new Map(),
    private readonly log?: Logger,
  ) {}

  register(adapter: ChatAdapter): void {
    this.adapters.set(adapter.platform, adapter);
  }

  platforms(): ChatPlatform[] {
    return [...this.adapters.keys()] as ChatPlatform[];
  }

  async notify(target: ReplyTarget, reply: Reply): Promise<void> {
    await this.deliver(target, reply);
  }

  /** As `notify`, and says whether the message went out (for answers that are kept until they did). */
  async deliver(target: ReplyTarget, reply: Reply): Promise<boolean> {
    const adapter = this.adapters.get(target.platform);
    if (!adapter) {
      this.log?.warn({ platform: target.platform, channel: target.channel }, 'no adapter to send a message');
      return false;
    }
    try {
      await adapter.send(target, reply);
      return true;
    } catch (err) {
      this.log?.error(
        { err, platform: target.platform, channel: target.channel },
        'could not send a message',
      );
      return false;
    }
  }
}
