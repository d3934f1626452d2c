import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyse, detectLanguage } from '../src/kb/analyse.ts';
import { extractFacts, type Facts, NO_FACTS } from '../src/kb/facts.ts';
import { type Answer, ask } from '../src/kb/index.ts';
import { decide } from '../src/kb/rules.ts';
import { fold } from '../src/kb/text.ts';
import { loadCases } from './kb/eval.ts';

interface Example {
  q: string;
  verdict: Answer['verdict'];
  facts?: string[];
}
const examples = parse(readFileSync(new URL('./kb/kb-examples.yaml', import.meta.url), 'utf8')) as Example[];

const facts = (q: string) => extractFacts(analyse(q));
const decision = (f: Partial<Facts>) => decide({ ...NO_FACTS, ...f });

/** What every answer must satisfy, whatever the question. */
function expectWellFormed(a: Answer) {
  expect(['archive', 'do-not-archive', 'depends', 'info', 'unknown']).toContain(a.verdict);
  expect(a.answer.length).toBeGreaterThan(20);
  if (['archive', 'do-not-archive', 'depends'].includes(a.verdict)) {
    expect(a.sources.length).toBeGreaterThan(0);
    expect(a.rules.length).toBeGreaterThan(0);
  }
  for (const s of a.sources) {
    expect(s.title.length).toBeGreaterThan(0);
    expect(s.url).toMatch(/^https?:\/\//);
  }
  if (a.inference) expect(a.answer).toMatch(a.language === 'nl' ? /afleiding/ : /inference/);
  if (a.verdict === 'unknown') {
    expect(a.sources).toEqual([]);
    expect(a.answer).toMatch(/records manager/);
  }
  if (a.followUp) {
    expect(a.followUpOptions!.length).toBeGreaterThan(1);
    expect(a.followUpFacts!.length).toBe(a.followUpOptions!.length);
  }
}

describe('the shared examples (tests/kb/kb-examples.yaml)', () => {
  it.each(examples.map((e) => [e.q, e] as const))('%s', (_q, e) => {
    const a = ask(e.q);
    expect(a.verdict).toBe(e.verdict);
    for (const f of e.facts ?? []) expect(a.answer.toLowerCase()).toContain(f.toLowerCase());
    expectWellFormed(a);
  });

  it('answers in the language of the question', () => {
    expect(
      ask('Moet ik de berichten van het corporate X-account van mijn ministerie archiveren?').language,
    ).toBe('nl');
    expect(ask('Which capture technique gets comments but no images?').language).toBe('en');
    expect(ask('Which capture technique gets comments but no images?', { language: 'nl' }).answer).toMatch(
      /API legt/,
    );
  });
});

describe('every answer of the evaluation sets', () => {
  it('is well formed: sources for every verdict on archiving, inference said, unknown pointing onwards', () => {
    for (const c of [...loadCases('tuning'), ...loadCases('heldout')]) expectWellFormed(ask(c.q));
  });
});

describe('answers', () => {
  it('ask the deciding question when a fact is missing, and each option resolves it', () => {
    const q = 'Moet ik dit bericht archiveren?';
    const a = ask(q);
    expect(a.verdict).toBe('depends');
    expect(a.followUp).toBe('Is dit een account van het ministerie of een privé-account?');
    expect(a.followUpOptions).toContain('Privé-account');
    const verdicts = a.followUpFacts!.map((f) => ask(q, { facts: f }).verdict);
    expect(verdicts).toEqual(['archive', 'archive', 'depends', 'depends']);
    // a private account then asks whether it is about the work; both answers decide it
    const priv = ask(q, { facts: { account: 'private' } });
    expect(priv.followUp).toMatch(/over het werk/);
    expect(priv.followUpFacts!.map((f) => ask(q, { facts: { account: 'private', ...f } }).verdict)).toEqual([
      'archive',
      'do-not-archive',
    ]);
  });

  it('say when they rest on an inference, and not otherwise', () => {
    const likes = ask('Moeten likes van ons corporate account bewaard worden?');
    expect(likes.verdict).toBe('archive');
    expect(likes.rules).toContain('R17');
    expect(likes.inference).toBe(true);
    expect(likes.answer).toMatch(/afleiding/);
    const corporate = ask('Moet ik de berichten van het corporate X-account van mijn ministerie archiveren?');
    expect(corporate.inference).toBe(false);
    expect(corporate.answer).not.toMatch(/Let op: dit antwoord berust/);
  });

  it('tolerate misspellings and synonyms', () => {
    for (const q of [
      // ("minster" would not do: it is an English word, and dictionary words are never rewritten)
      'moet ik de twets van de minsiter archieveren',
      'Moeten de toots van de staatssecretaris bewaard worden?',
      'Must we keep the posts of the secretary of state?',
      'Moeten berichten van de bewindspersoon gearchiveerd worden?',
    ]) {
      const a = ask(q);
      expect(a.verdict, q).toBe('archive');
      expect(a.rules, q).toContain('R3');
    }
  });

  it('say "unknown" outside the knowledge base and point to the records manager', () => {
    for (const q of [
      'What is the best pizza in Utrecht?',
      'Hoe laat is het?',
      'Moet ik mijn salarisstroken bewaren?',
    ]) {
      const a = ask(q);
      expect(a.verdict, q).toBe('unknown');
      expect(a.rules).toEqual([]);
    }
    expect(ask('Hoe laat is het?').answer).toMatch(/DIV/);
  });

  it('answer factual questions from the entry that holds the fact', () => {
    expect(ask('Wat is MDTO?').entries).toEqual(['mdto']);
    expect(ask('Which metadata format does the e-Depot process?').answer).toMatch(/ToPX/);
    expect(ask('Wanneer begon de Mastodon-pilot van de overheid?').answer).toMatch(/juli 2023/);
    expect(ask('Why did Politwoops stop?').answer).toMatch(/2015/);
  });

  it('take facts from the archived post over what the question leaves open', () => {
    const a = ask('moet ik dit archiveren?', {
      facts: { account: 'corporate', author: 'organisation', content: 'post', platform: 'mastodon' },
    });
    expect(a.verdict).toBe('archive');
    expect(a.rules).toEqual(expect.arrayContaining(['R1', 'R2', 'R13']));
    expect(a.answer).toMatch(/Mastodon/);
  });

  it('join approved community entries with attribution and date', () => {
    const community = [
      {
        id: 7,
        question: 'Moeten Teams-chats van de secretaris-generaal bewaard worden?',
        answer: 'Ja, zakelijke chats van de ambtelijke top worden 5 tot 10 jaar bewaard.',
        source: 'https://www.acoi.nl/adviezen/chatberichten/',
        language: 'nl' as const,
        author: 'alice',
        reviewer: 'bob',
        reviewedAt: '2026-03-01T10:00:00.000Z',
      },
      {
        id: 8,
        question: 'Wat is de afspraak over het Intranet-archief van onze directie?',
        answer: 'Het intranet wordt elk kwartaal geharvest door team DIV.',
        author: 'carol',
        reviewer: 'bob',
        reviewedAt: '2026-03-02T10:00:00.000Z',
      },
    ];
    const a = ask('Moeten Teams-chats van de SG bewaard worden?', { community });
    expect(a.verdict).toBe('archive');
    expect(a.answer).toContain('voorgesteld door alice, goedgekeurd door bob op 2026-03-01');
    expect(a.entries).toContain('community:7');
    const info = ask('Hoe vaak wordt het intranet-archief van onze directie geharvest?', { community });
    expect(info.verdict).toBe('info');
    expect(info.answer).toContain('elk kwartaal');
    expect(info.answer).toContain('carol');
    // without the entries the same question is outside the knowledge base
    expect(ask('Hoe vaak wordt het intranet-archief van onze directie geharvest?').verdict).toBe('unknown');
  });
});

describe('fact extraction', () => {
  it('reads who posted, on which account, what and where, in both languages', () => {
    expect(facts('Moeten we de tweets van de minister archiveren?')).toMatchObject({
      author: 'bewindspersoon',
      content: 'post',
    });
    expect(facts('A state secretary shares a photo on her private Instagram')).toMatchObject({
      author: 'bewindspersoon',
      account: 'private',
      platform: 'instagram',
    });
    expect(facts('Een minister gebruikt een hybride account')).toMatchObject({ account: 'hybrid' });
    expect(facts('Posts op ons Mastodon-account')).toMatchObject({
      account: 'corporate',
      author: 'organisation',
      platform: 'mastodon',
    });
    expect(facts('reacties van burgers onder onze posts')).toMatchObject({
      content: 'comment',
      author: 'third-party',
    });
    expect(facts('Onze woordvoerder reageert namens het ministerie op vragen')).toMatchObject({
      content: 'webcare',
    });
    expect(facts('tweets van een journalist over ons ministerie')).toMatchObject({
      author: 'third-party',
      account: null,
    });
    expect(facts('WhatsApp-berichten van de secretaris-generaal')).toMatchObject({
      content: 'dm',
      author: 'top-official',
    });
  });

  it('reads intents and states: delete versus deleted, holds, formal decisions, hotspots', () => {
    expect(facts('Mogen we oude posts verwijderen?').intent).toBe('delete');
    expect(facts('mogen de posts nu nog verwijderd worden?').intent).toBe('delete');
    expect(facts('Moet een verwijderde tweet nog gearchiveerd worden?')).toMatchObject({
      change: 'deleted',
      intent: null,
    });
    expect(facts('De tweet is gisteren aangepast').change).toBe('edited');
    expect(facts('Er loopt een Woo-verzoek').hold).toBe(true);
    expect(facts('There is a pending lawsuit').hold).toBe(true);
    expect(facts('hij beroept zich op het recht op vergetelheid')).toMatchObject({
      hold: null,
      erasure: true,
    });
    expect(facts('We maken een vergunningsbesluit bekend').formal).toBe(true);
    expect(facts('tijdens de coronacrisis').hotspot).toBe(true);
  });

  it('reads whether it is about the work or private', () => {
    expect(facts('een bericht over het nieuwe kabinetsbeleid').publicTask).toBe(true);
    expect(facts('een vakantiefoto op haar privé-account').publicTask).toBe(false);
    expect(facts('personal tweets about football').publicTask).toBe(false);
    expect(facts('tweets that have nothing to do with work').publicTask).toBe(false);
    expect(facts('een ambtenaar tweet privé').publicTask).toBe(false);
    expect(facts('haar eigen account').account).toBe('private');
    expect(facts('ons eigen account').account).toBe('corporate');
  });

  it('corrects misspellings towards known words and splits compounds', () => {
    const a = analyse('Moet ik de berigten van ons instagram acount archiferen?');
    expect(a.tokens.find((t) => t.typed === 'acount')?.raw).toBe('account');
    expect(a.matches.map((m) => m.concept)).toEqual(
      expect.arrayContaining(['post', 'possOrg', 'platform', 'accountNoun', 'archiveCue']),
    );
    expect(analyse('onze facebookpagina').tokens.map((t) => t.raw)).toEqual(['onze', 'facebook', 'pagina']);
    // short everyday words are not "corrected" into terms
    expect(analyse('our webcare team').tokens.map((t) => t.raw)).toEqual(['our', 'webcare', 'team']);
  });

  it('detects the language', () => {
    expect(detectLanguage(fold('Moet ik dit archiveren?'))).toBe('nl');
    expect(detectLanguage(fold('Must I archive this?'))).toBe('en');
    expect(detectLanguage(fold('Is een tweet een archiefbescheid?'))).toBe('nl');
    expect(detectLanguage(fold('Is a tweet a record?'))).toBe('en');
  });
});

describe('the decision rules over facts', () => {
  const ids = (f: Partial<Facts>) => decision(f).hits.map((h) => h.id);

  it('R1+R2: a corporate account is archived; R13: on any platform', () => {
    const d = decision({ account: 'corporate', content: 'post', platform: 'tiktok' });
    expect(d.verdict).toBe('archive');
    expect(ids({ account: 'corporate', content: 'post', platform: 'tiktok' })).toEqual(['R1', 'R2', 'R13']);
    expect(d.hits.at(-1)!.text.en).toContain('TikTok');
  });

  it('R3: a minister in role, whatever the account, with permanent retention and transfer (R16)', () => {
    const d = decision({ author: 'bewindspersoon', content: 'post' });
    expect(d.verdict).toBe('archive');
    expect(d.hits.map((h) => h.id)).toEqual(['R1', 'R3', 'R16']);
  });

  it('R4: private or party-political content is not archived', () => {
    expect(decision({ author: 'bewindspersoon', account: 'private', publicTask: false }).verdict).toBe(
      'do-not-archive',
    );
    expect(ids({ author: 'civil-servant', account: 'private', publicTask: false })).toEqual(['R4']);
  });

  it('R5: work on a private or hybrid account is archived and flagged; unknown subject asks', () => {
    const work = decision({ author: 'civil-servant', account: 'private', publicTask: true, onBehalf: true });
    expect(work.verdict).toBe('archive');
    expect(work.hits.map((h) => h.id)).toContain('R5');
    expect(work.hits.find((h) => h.id === 'R5')!.text.nl).toMatch(/gebruik geen privé-accounts/);
    const open = decision({ author: 'bewindspersoon', account: 'hybrid' });
    expect(open.verdict).toBe('depends');
    expect(open.followUp!.fact).toBe('publicTask');
    // a minister's work on a hybrid account is in office; a civil servant's may be a personal view
    expect(decision({ author: 'bewindspersoon', account: 'hybrid', publicTask: true }).verdict).toBe(
      'archive',
    );
    const role = decision({ author: 'civil-servant', account: 'private', publicTask: true });
    expect(role.verdict).toBe('depends');
    expect(role.followUp!.fact).toBe('onBehalf');
    expect(
      decision({ author: 'civil-servant', account: 'private', publicTask: true, onBehalf: false }).verdict,
    ).toBe('do-not-archive');
  });

  it('R6: DMs follow the chat regime by role', () => {
    expect(decision({ content: 'dm', author: 'bewindspersoon' }).verdict).toBe('archive');
    expect(decision({ content: 'dm', author: 'top-official' }).hits[0]!.text.en).toMatch(/5 to 10 years/);
    expect(decision({ content: 'dm', author: 'civil-servant' }).verdict).toBe('depends');
    expect(decision({ content: 'dm', author: 'civil-servant', publicTask: false }).verdict).toBe(
      'do-not-archive',
    );
    expect(decision({ content: 'dm' }).followUp!.fact).toBe('author');
  });

  it('R7: deleting only after archiving; "it is elsewhere" is no ground; deleted posts stay archived', () => {
    const del = decision({ intent: 'delete', account: 'corporate' });
    expect(del.verdict).toBe('depends');
    expect(del.hits[0]!.text.nl).toMatch(/verklaring van vernietiging/);
    expect(del.followUp!.fact).toBe('hold');
    expect(decision({ intent: 'delete', hold: false }).followUp).toBeUndefined();
    expect(decision({ elsewhere: true }).verdict).toBe('archive');
    expect(ids({ account: 'corporate', change: 'deleted' })).toContain('R7');
  });

  it('R8: a pending Woo request or dispute blocks destruction', () => {
    const d = decision({ hold: true, intent: 'delete' });
    expect(d.verdict).toBe('archive');
    expect(d.hits.map((h) => h.id)).toEqual(['R8', 'R7', 'R1']);
  });

  it('R9: third-party comments depend on the selectielijst; erasure does not reach the archive', () => {
    expect(decision({ content: 'comment', author: 'third-party' }).verdict).toBe('depends');
    const erasure = decision({ erasure: true, intent: 'delete', content: 'comment' });
    expect(erasure.verdict).toBe('archive');
    expect(erasure.hits[0]!.text.en).toMatch(/17\(3\)/);
  });

  it('R10, R11, R12, R17, R18 add to an archive verdict', () => {
    expect(ids({ account: 'corporate', content: 'webcare' })).toContain('R10');
    expect(ids({ account: 'corporate', formal: true })).toContain('R11');
    expect(ids({ account: 'corporate', hotspot: true })).toEqual(expect.arrayContaining(['R12', 'R16']));
    expect(ids({ account: 'corporate', content: 'repost' })).toContain('R17');
    expect(ids({ author: 'bewindspersoon', change: 'edited' })).toContain('R18');
    expect(decision({ author: 'bewindspersoon', change: 'edited' }).primary).toBe('R18');
  });

  it('asks whose account it is when nothing says', () => {
    const d = decision({ content: 'post' });
    expect(d.verdict).toBe('depends');
    expect(d.followUp!.fact).toBe('account');
    expect(d.followUp!.options.map((o) => o.facts.account)).toEqual([
      'corporate',
      'bewindspersoon',
      'private',
      'hybrid',
    ]);
  });
});
