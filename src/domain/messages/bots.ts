import type { Message } from '../i18n.ts';

/** Messages of the bots area (see src/domain/i18n.ts for the placeholder syntax). */
export const bots = {} satisfies Record<string, Message>;
