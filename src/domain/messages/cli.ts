import type { Message } from '../i18n.ts';

/** Messages of the cli area (see src/domain/i18n.ts for the placeholder syntax). */
export const cli = {} satisfies Record<string, Message>;
