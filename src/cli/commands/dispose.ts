import type { Command } from 'commander';
import type { DestructionRecord, ListItem } from '../../store/retention.ts';
import { type CliContext, localUser, positiveInt, withArchive } from '../context.ts';

interface DisposeOptions {
  due?: boolean;
  approve?: number;
  record?: boolean | number;
  json?: boolean;
}

function itemLines(ctx: CliContext, items: ListItem[]): string[] {
  return items.map((i) =>
    ctx.say('retention.list-item', {
      post: i.post,
      url: i.url,
      account: i.account ?? '-',
      category: i.category ?? '-',
      term: i.termYears,
      due: i.due.slice(0, 10),
    }),
  );
}

function recordLines(ctx: CliContext, records: DestructionRecord[]): string[] {
  return records.map((r) =>
    ctx.say('retention.destruction-line', {
      id: r.id,
      post: r.postId,
      url: r.url,
      category: r.category ?? '-',
      term: r.termYears,
      due: r.due.slice(0, 10),
      at: r.destroyedAt,
      n: r.hashes.versions.length + r.hashes.records.length + r.hashes.media.length,
    }),
  );
}

/** `archiefbot dispose --due | --approve <list> | --record [list]`: lawful destruction, by two admins. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('dispose')
    .description(
      'lawful destruction: a list of what is past its term (--due), approved by a different admin (--approve)',
    )
    .option(
      '--due',
      'propose a destruction list (vernietigingslijst) of V posts past their term that no hold covers',
    )
    .option(
      '--approve <list>',
      'approve a list someone else proposed: its posts are destroyed',
      positiveInt(ctx.lang),
    )
    .option('--record [list]', 'the destruction records (verklaring van vernietiging), of one list or all')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Only posts appraised V (the knowledge base's appraisal, or one set with archiefbot appraise) whose term has
passed are listed; B posts and posts not appraised never are, nor anything a hold covers. The admin who
proposed a list cannot approve it. On approval every item is checked again; a list that no longer holds is
withdrawn. Destroyed: the posts' rows and the WARC records only they stood on (replaced in place by
tombstones of the same length); kept forever: the destruction record with the destroyed hashes, sealed in
the audit chain. archiefbot verify accounts for these gaps.`,
    )
    .action(async (opts: DisposeOptions) => {
      const { approveList, destructionRecord, proposeDue } = await import('../../usecases/retention.ts');
      await withArchive(ctx.config(), async (a) => {
        if (opts.due) {
          const r = await proposeDue(a, localUser());
          ctx.print(opts.json, r, () =>
            r.list === null
              ? ctx.say('retention.nothing-due')
              : [
                  ctx.say('retention.list-proposed', { id: r.list, n: r.items.length }),
                  ...itemLines(ctx, r.items),
                ].join('\n'),
          );
          return;
        }
        if (opts.approve !== undefined) {
          const r = await approveList(a, opts.approve, localUser());
          ctx.print(opts.json, r, () =>
            [
              ctx.say('retention.destroyed', {
                id: r.list.id,
                n: r.records.length,
                proposer: r.list.proposedBy,
                approver: r.list.approvedBy,
              }),
              ...recordLines(ctx, r.records),
            ].join('\n'),
          );
          return;
        }
        const list = typeof opts.record === 'string' ? Number(opts.record) : undefined;
        const records = await destructionRecord(a, list);
        ctx.print(opts.json, { records }, () =>
          records.length ? recordLines(ctx, records).join('\n') : ctx.say('retention.no-destructions'),
        );
      });
    });
}
