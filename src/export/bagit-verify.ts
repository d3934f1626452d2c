/**
 * Checks a bag after RFC 8493, whoever made it: bagit.txt (version line, encoding line, no BOM), a
 * payload manifest, every manifest line well formed and inside the bag (payload lines inside data/),
 * every listed file present and every file under data/ listed in every payload manifest, Payload-Oxum
 * when bag-info.txt gives one, and every payload and tag-manifest checksum recomputed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface BagReport {
  ok: boolean;
  bag: string;
  files: number;
  bytes: number;
  problems: string[];
}

const ALGORITHMS: Record<string, string> = { sha256: 'sha256', sha512: 'sha512', sha1: 'sha1', md5: 'md5' };

async function digest(file: string, algorithm: string): Promise<string> {
  const hash = createHash(algorithm);
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

function walk(dir: string, base: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, base, out);
    else out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out;
}

function decodePath(p: string): string {
  return p.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%25/g, '%');
}

/** The lines of a manifest as (checksum, path); malformed lines are problems. */
function readManifest(bag: string, name: string, problems: string[]): Map<string, string> {
  const entries = new Map<string, string>();
  const text = readFileSync(path.join(bag, name), 'utf8');
  if (text.charCodeAt(0) === 0xfeff) problems.push(`${name} starts with a byte-order mark`);
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const m = /^([0-9a-fA-F]+)[ \t]+(.+)$/.exec(line);
    if (!m) {
      problems.push(`${name} line ${i + 1} is not "<checksum> <path>"`);
      return;
    }
    const rel = decodePath(m[2]!);
    const normal = path.posix.normalize(rel);
    if (normal.startsWith('../') || path.posix.isAbsolute(normal))
      problems.push(`${name} line ${i + 1} names a path outside the bag: ${rel}`);
    else entries.set(normal, m[1]!.toLowerCase());
  });
  return entries;
}

function checkBagitTxt(bag: string, problems: string[]): void {
  const file = path.join(bag, 'bagit.txt');
  if (!existsSync(file)) {
    problems.push('bagit.txt is missing');
    return;
  }
  const raw = readFileSync(file);
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf)
    problems.push('bagit.txt must not contain a byte-order mark');
  const text = raw.toString('utf8');
  if (!/^BagIt-Version: \d+\.\d+\r?$/m.test(text)) problems.push('bagit.txt has no BagIt-Version line');
  if (!/^Tag-File-Character-Encoding: \S+\r?$/m.test(text))
    problems.push('bagit.txt has no Tag-File-Character-Encoding line');
}

async function checkEntries(
  bag: string,
  name: string,
  algorithm: string,
  entries: Map<string, string>,
  problems: string[],
) {
  for (const [rel, sum] of entries) {
    const file = path.join(bag, rel);
    if (!existsSync(file)) {
      problems.push(`${rel} is listed in ${name} but missing`);
      continue;
    }
    if ((await digest(file, algorithm)) !== sum) problems.push(`${rel}: its checksum does not match ${name}`);
  }
}

function checkOxum(bag: string, payloadFiles: string[], problems: string[]): number {
  let bytes = 0;
  for (const f of payloadFiles) bytes += statSync(path.join(bag, f)).size;
  const infoFile = path.join(bag, 'bag-info.txt');
  if (!existsSync(infoFile)) return bytes;
  const oxum = /^Payload-Oxum:\s*(\d+)\.(\d+)\s*$/m.exec(readFileSync(infoFile, 'utf8'));
  if (oxum && (Number(oxum[1]) !== bytes || Number(oxum[2]) !== payloadFiles.length))
    problems.push(
      `Payload-Oxum says ${oxum[1]} bytes in ${oxum[2]} files, the payload holds ${bytes} bytes in ${payloadFiles.length} files`,
    );
  return bytes;
}

export async function verifyBag(bag: string): Promise<BagReport> {
  const problems: string[] = [];
  const report = { ok: false, bag, files: 0, bytes: 0, problems };
  if (!existsSync(bag) || !statSync(bag).isDirectory()) {
    problems.push(`${bag} is not a directory`);
    return report;
  }
  checkBagitTxt(bag, problems);
  if (!existsSync(path.join(bag, 'data'))) problems.push('the payload directory data/ is missing');
  const top = readdirSync(bag);
  const manifests = top.filter((f) => /^manifest-[a-z0-9]+\.txt$/.test(f));
  const tagmanifests = top.filter((f) => /^tagmanifest-[a-z0-9]+\.txt$/.test(f));
  if (!manifests.length) problems.push('there is no payload manifest (manifest-<algorithm>.txt)');
  const payloadFiles = existsSync(path.join(bag, 'data')) ? walk(path.join(bag, 'data'), bag) : [];
  for (const name of manifests) {
    const algorithm = ALGORITHMS[name.slice('manifest-'.length, -4)];
    if (!algorithm) {
      problems.push(`${name}: unknown checksum algorithm`);
      continue;
    }
    const entries = readManifest(bag, name, problems);
    for (const rel of entries.keys())
      if (!rel.startsWith('data/')) problems.push(`${name} lists ${rel}, which is not in data/`);
    for (const f of payloadFiles) if (!entries.has(f)) problems.push(`${f} is in data/ but not in ${name}`);
    await checkEntries(bag, name, algorithm, entries, problems);
  }
  for (const name of tagmanifests) {
    const algorithm = ALGORITHMS[name.slice('tagmanifest-'.length, -4)];
    if (!algorithm) {
      problems.push(`${name}: unknown checksum algorithm`);
      continue;
    }
    const entries = readManifest(bag, name, problems);
    for (const rel of entries.keys())
      if (rel.startsWith('data/')) problems.push(`${name} lists the payload file ${rel}`);
    await checkEntries(bag, name, algorithm, entries, problems);
  }
  report.bytes = checkOxum(bag, payloadFiles, problems);
  report.files = payloadFiles.length;
  report.ok = problems.length === 0;
  return report;
}
