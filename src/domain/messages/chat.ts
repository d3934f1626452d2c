import type { Message } from '../i18n.ts';

/** Messages of the chat area (see src/domain/i18n.ts for the placeholder syntax). */
export const chat = {} satisfies Record<string, Message>;
