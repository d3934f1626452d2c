import type { Message } from '../i18n.ts';

/** Messages of the kb area (see src/domain/i18n.ts for the placeholder syntax). */
export const kb = {} satisfies Record<string, Message>;
