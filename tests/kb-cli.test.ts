import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register as registerKb } from '../src/cli/commands/kb.ts';
import { createContext, Exit } from '../src/cli/context.ts';
import { query } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

const BIN = path.resolve('bin/archiefbot.js');

/** Runs the real binary with this stdin. */
function bin(env: NodeJS.ProcessEnv, input: string, ...args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('archiefbot ask', () => {
  it('prints one JSON document with exactly the contract keys', async () => {
    const { env, cleanup } = testEnv();
    const r = await cli(
      env,
      'ask',
      'Moet ik de berichten van het corporate X-account van mijn ministerie archiveren?',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(r.json).sort()).toEqual([
      'answer',
      'inference',
      'language',
      'rules',
      'sources',
      'verdict',
    ]);
    expect(r.json).toMatchObject({
      verdict: 'archive',
      language: 'nl',
      inference: false,
      rules: ['R1', 'R2', 'R13'],
    });
    for (const s of r.json.sources) expect(Object.keys(s).sort()).toEqual(['title', 'url']);
    const d = await cli(env, 'ask', '--json', 'Must I archive this post?');
    expect(d.json).toMatchObject({
      verdict: 'depends',
      language: 'en',
      followUp: 'Is this an account of the ministry or a private account?',
    });
    cleanup();
  });

  it('prints the verdict, the explanation, the follow-up with its options, the rules and the sources for people', async () => {
    const { env, cleanup } = testEnv();
    const r = await cli(env, 'ask', 'Moet', 'ik', 'dit', 'bericht', 'archiveren?');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^depends: Dat hangt ervan af\./);
    expect(r.stdout).toContain(
      'Is dit een account van het ministerie of een privé-account?  [Account van het ministerie (corporate) | ',
    );
    expect(r.stdout).toContain('rules: R2, R5');
    expect(r.stdout).toContain(
      'https://www.informatiehuishouding.nl/documenten/vragen-en-antwoorden/vac-archiveren-sociale-media/van-wie-sociale-media-archiveren',
    );
    cleanup();
  });

  it('answers in the language asked with --lang, and refuses other languages', async () => {
    const { env, cleanup } = testEnv();
    const r = await cli(env, 'ask', '--lang', 'en', '--json', 'Welke MDTO-elementen zijn verplicht?');
    expect(r.json.language).toBe('en');
    expect(r.json.answer).toMatch(/Mandatory for an information object/);
    const bad = await cli(env, 'ask', '--lang', 'de', 'Welke MDTO-elementen zijn verplicht?');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are nl, en/);
    cleanup();
  });

  it('does not create an archive just to answer', async () => {
    const { env, dataDir, cleanup } = testEnv();
    cleanup();
    expect((await cli(env, 'ask', 'Wat is MDTO?')).code).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('says so (exit 2) when there is no question at all: no argument and nothing on stdin', async () => {
    const { env, cleanup } = testEnv();
    const r = await bin(env, '', 'ask');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No question given/);
    cleanup();
  });

  it('reads one question per line on stdin and writes one answer per line', async () => {
    const { env, cleanup } = testEnv();
    const input = 'Moet ik dit archiveren?\n\nWhat is MDTO?\r\nHoe laat is het?\n';
    const json = await bin(env, input, 'ask', '--json');
    expect(json.code, json.stderr).toBe(0);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.verdict)).toEqual(['depends', 'info', 'unknown']);
    expect(lines.map((l) => l.language)).toEqual(['nl', 'en', 'nl']);
    const text = await bin(env, input, 'ask');
    const rows = text.stdout.trim().split('\n');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^depends\tDat hangt ervan af\..*\trules R2,R5\tsources https:\/\//);
    expect(rows[1]).toMatch(/^info\tMDTO/);
    cleanup();
  }, 60_000);
});

describe('archiefbot kb', () => {
  it('suggests, lists, approves and rejects entries, audited, and approved entries join the answers', async () => {
    const { env, dataDir, cleanup } = testEnv();
    const s = await cli(
      env,
      'kb',
      'suggest',
      'Hoe vaak harvesten we het intranet van de directie? | Elk kwartaal, door team DIV. | https://intranet.example/div',
      '--as',
      'alice',
    );
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/Suggested as #1/);
    await cli(
      env,
      'kb',
      'suggest',
      'Archiveren we Snapchat?',
      '|',
      'Ja, zoals elk platform.',
      '--as',
      'carol',
    );
    const pending = await cli(env, 'kb', 'pending', '--json');
    expect(pending.json.pending.map((e: { id: number; author: string }) => [e.id, e.author])).toEqual([
      [1, 'alice'],
      [2, 'carol'],
    ]);
    expect((await cli(env, 'kb', 'pending')).stdout).toContain(
      '#1 [pending] Hoe vaak harvesten we het intranet van de directie?',
    );

    const q = 'Hoe vaak wordt het intranet van de directie geharvest?';
    expect((await cli(env, 'ask', q, '--json')).json.verdict).toBe('unknown');
    const ok = await cli(env, 'kb', 'approve', '#1', '--as', 'bob', '--json');
    expect(ok.json).toMatchObject({ id: 1, status: 'approved', reviewer: 'bob' });
    const no = await cli(env, 'kb', 'reject', '2', 'dubbel', 'met', 'R13', '--as', 'bob');
    expect(no.stdout).toContain('Rejected #2: dubbel met R13');
    const answer = await cli(env, 'ask', q, '--json');
    expect(answer.json.verdict).toBe('info');
    expect(answer.json.answer).toMatch(
      /Elk kwartaal.*voorgesteld door alice, goedgekeurd door bob op \d{4}-\d\d-\d\d/,
    );
    expect(answer.json.sources).toEqual([
      {
        title: `Klankbordgroep #1: Hoe vaak harvesten we het intranet van de directie?`,
        url: 'https://intranet.example/div',
      },
    ]);
    expect((await cli(env, 'kb', 'pending')).stdout.trim()).toBe('Nothing waits for review.');

    const audit = await query<{ actor: string; action: string }>(
      dataDir,
      "SELECT actor, action FROM audit WHERE action LIKE 'kb.%' ORDER BY id",
    );
    expect(audit.map((r) => `${r.actor} ${r.action}`)).toEqual([
      'alice kb.suggest',
      'carol kb.suggest',
      'bob kb.approve',
      'bob kb.reject',
    ]);
    cleanup();
  });

  it('says on one line what went wrong: unknown id, approving twice, bad usage', async () => {
    const { env, cleanup } = testEnv();
    await cli(env, 'kb', 'suggest', 'q? | a.', '--as', 'alice');
    await cli(env, 'kb', 'approve', '1', '--as', 'bob');
    const twice = await cli(env, 'kb', 'approve', '1', '--as', 'bob');
    expect(twice.code).not.toBe(0);
    expect(twice.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Entry #1 was already approved by bob on \d{4}-\d\d-\d\d\.$/),
    ]);
    const missing = await cli(env, 'kb', 'reject', '42', 'weg', '--json');
    expect(missing.code).not.toBe(0);
    expect(missing.json).toEqual({
      error: { code: 'not-found', message: 'There is no knowledge-base entry #42.' },
    });
    expect(missing.stderr).not.toMatch(/at .*\.ts/);
    const noAnswer = await cli(env, 'kb', 'suggest', 'only a question');
    expect(noAnswer.code).toBe(2);
    expect(noAnswer.stderr).toMatch(/kb suggest <question> \| <answer> \[\| source\]/);
    expect((await cli(env, 'kb', 'approve', 'abc')).code).toBe(2);
    const noReason = await cli(env, 'kb', 'reject', '1');
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/missing required argument 'reason'/);
    cleanup();
  });

  it('ends a failed kb command with exit 1 through the context', async () => {
    const { env, cleanup } = testEnv();
    const err: string[] = [];
    const program = new Command('archiefbot').exitOverride();
    registerKb(program, createContext({ out: () => {}, err: (t) => err.push(t) }, env));
    const failed = program.parseAsync(['node', 'archiefbot', 'kb', 'approve', '5']);
    await expect(failed).rejects.toBeInstanceOf(Exit);
    await expect(failed).rejects.toMatchObject({ code: 1 });
    expect(err).toEqual(['There is no knowledge-base entry #5.']);
    cleanup();
  });
});
