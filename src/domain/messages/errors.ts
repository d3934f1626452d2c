import type { Message } from '../i18n.ts';

/** Messages of the errors area (see src/domain/i18n.ts for the placeholder syntax). */
export const errors = {} satisfies Record<string, Message>;
