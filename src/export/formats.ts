/**
 * The export formats, by name: what `archiefbot export --format` and the chat's `export` accept. A module
 * of its own so that describing the command (its help, its choices) does not load the exporters
 * (start-up time, issue 16); src/export/package.ts re-exports it.
 */
export const EXPORT_FORMATS = ['wacz', 'bagit', 'woo'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
