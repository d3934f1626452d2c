import type { Message } from '../i18n.ts';

/** Messages of the monitor area (see src/domain/i18n.ts for the placeholder syntax). */
export const monitor = {} satisfies Record<string, Message>;
