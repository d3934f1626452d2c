/**
 * The knowledge base: "must I archive this?" answered from the Dutch legal framework, with sources.
 * Pure functions over the guidance content (src/kb/content); no I/O at answer time. Called by the CLI
 * (src/kb/cli.ts), the chat bots and the capture pipeline (appraisal).
 */
export { type Answer, type AskOptions, ask, type Verdict, warmUp } from './answer.ts';
export { type Appraisal, appraise, factsFromPost, type PostFacts, roleOfAccount } from './appraise.ts';
export { content, type Entry, type Lang, type Source } from './content.ts';
export type { AccountType, Author, ContentType, Facts } from './facts.ts';
export type { ApprovedEntry } from './retrieve.ts';
export { RULES } from './rules.ts';
