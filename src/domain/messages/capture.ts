import type { Message } from '../i18n.ts';

/** Messages of the capture area (see src/domain/i18n.ts for the placeholder syntax). */
export const capture = {} satisfies Record<string, Message>;
