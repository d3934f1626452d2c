/**
 * RFC 3161 time stamps: a TimeStampReq for a SHA-256 imprint (with a nonce, asking for the TSA's
 * certificate), sent to a time-stamping authority over HTTP, and the reply's token read back: its
 * status, imprint, nonce and time. The token's CMS signature is the TSA's; anyone checks it with
 * `openssl ts -verify` and the TSA's certificate chain.
 */
import { randomBytes } from 'node:crypto';
import {
  children,
  decodeOid,
  encode,
  encodeOid,
  encodeUnsigned,
  expect,
  readTlv,
  TAG,
  toBigInt,
} from './der.ts';

const SHA256 = '2.16.840.1.101.3.4.2.1';
const SIGNED_DATA = '1.2.840.113549.1.7.2';
const TST_INFO = '1.2.840.113549.1.9.16.1.4';

/** What a token says. */
export interface TokenInfo {
  hashAlgorithm: string;
  imprint: Buffer;
  nonce: bigint | null;
  /** genTime as an ISO 8601 date. */
  time: string;
  policy: string;
  serial: string;
}

export function timeStampRequest(imprint: Buffer, nonce: Buffer): Buffer {
  const algorithm = encode(TAG.SEQUENCE, encodeOid(SHA256), encode(TAG.NULL));
  return encode(
    TAG.SEQUENCE,
    encode(TAG.INTEGER, Buffer.from([1])),
    encode(TAG.SEQUENCE, algorithm, encode(TAG.OCTET_STRING, imprint)),
    encodeUnsigned(nonce),
    encode(TAG.BOOLEAN, Buffer.from([0xff])),
  );
}

/** A TimeStampResp: its PKIStatus (0 granted, 1 granted with modifications) and the token, if any. */
function readTimeStampResponse(der: Buffer): { status: number; text: string; token: Buffer | null } {
  const [statusInfo, token] = children(readTlv(der));
  const [status, ...rest] = children(expect(statusInfo, TAG.SEQUENCE, 'PKIStatusInfo'));
  // PKIFreeText (a SEQUENCE of UTF8String) says why, when the TSA refuses.
  const free = rest.find((t) => t.tag === TAG.SEQUENCE);
  const text = free
    ? children(free)
        .map((s) => s.value.toString('utf8'))
        .join('; ')
    : '';
  return {
    status: Number(toBigInt(expect(status, TAG.INTEGER, 'PKIStatus').value)),
    text,
    token: token ? token.raw : null,
  };
}

function generalizedTime(value: Buffer): string {
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\.\d+)?Z$/.exec(value.toString('latin1'));
  if (!m) throw new Error('DER: genTime is not a UTC GeneralizedTime');
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}Z`).toISOString();
}

/** Reads a TimeStampToken (CMS SignedData holding a TSTInfo). Throws when it is not one. */
export function readToken(token: Buffer): TokenInfo {
  const [type, content] = children(readTlv(token));
  if (decodeOid(expect(type, TAG.OID, 'contentType').value) !== SIGNED_DATA)
    throw new Error('the token is not CMS SignedData');
  const signedData = expect(
    children(expect(content, TAG.CONTEXT_0, 'content'))[0],
    TAG.SEQUENCE,
    'SignedData',
  );
  const encap = expect(children(signedData)[2], TAG.SEQUENCE, 'encapContentInfo');
  const [eType, eContent] = children(encap);
  if (decodeOid(expect(eType, TAG.OID, 'eContentType').value) !== TST_INFO)
    throw new Error('the token does not hold a TSTInfo');
  const octets = expect(
    children(expect(eContent, TAG.CONTEXT_0, 'eContent'))[0],
    TAG.OCTET_STRING,
    'eContent',
  );
  const [, policy, imprint, serial, genTime, ...optional] = children(readTlv(octets.value));
  const [algorithm, hashed] = children(expect(imprint, TAG.SEQUENCE, 'messageImprint'));
  const nonce = optional.find((t) => t.tag === TAG.INTEGER);
  return {
    hashAlgorithm: decodeOid(
      expect(children(expect(algorithm, TAG.SEQUENCE, 'hashAlgorithm'))[0], TAG.OID, 'OID').value,
    ),
    imprint: Buffer.from(expect(hashed, TAG.OCTET_STRING, 'hashedMessage').value),
    nonce: nonce ? toBigInt(nonce.value) : null,
    time: generalizedTime(expect(genTime, TAG.GENERALIZED_TIME, 'genTime').value),
    policy: decodeOid(expect(policy, TAG.OID, 'policy').value),
    serial: expect(serial, TAG.INTEGER, 'serialNumber').value.toString('hex'),
  };
}

/** What does not hold in a token for this imprint (and nonce, when one was sent); empty when it holds. */
export function checkToken(
  token: Buffer,
  imprint: Buffer,
  nonce?: bigint,
): { info?: TokenInfo; problems: string[] } {
  let info: TokenInfo;
  try {
    info = readToken(token);
  } catch (err) {
    return { problems: [`the time-stamp token cannot be read: ${(err as Error).message}`] };
  }
  const problems: string[] = [];
  if (info.hashAlgorithm !== SHA256)
    problems.push(`the time stamp is over ${info.hashAlgorithm}, not SHA-256`);
  if (!info.imprint.equals(imprint))
    problems.push('the time stamp is for other data (its message imprint differs)');
  if (nonce !== undefined && info.nonce !== nonce)
    problems.push('the time stamp answers another request (nonce differs)');
  return { info, problems };
}

export interface TsaOptions {
  timeoutMs: number;
  userAgent: string;
}

/**
 * Asks the TSA at `url` to time-stamp `imprint` (a SHA-256 digest); returns the token once its
 * status is granted and its imprint and nonce match. Throws an Error saying what went wrong.
 */
export async function requestTimeStamp(
  url: string,
  imprint: Buffer,
  opts: TsaOptions,
): Promise<{ token: Buffer; info: TokenInfo }> {
  const nonce = randomBytes(8);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query', 'user-agent': opts.userAgent },
    body: new Uint8Array(timeStampRequest(imprint, nonce)),
    signal: AbortSignal.timeout(opts.timeoutMs),
  });
  const body = Buffer.from(await res.arrayBuffer());
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/timestamp-reply'))
    throw new Error(`answered ${type || 'no content type'}`);
  const reply = readTimeStampResponse(body);
  if (reply.status > 1 || !reply.token)
    throw new Error(`refused (status ${reply.status}${reply.text ? `: ${reply.text}` : ''})`);
  const checked = checkToken(reply.token, imprint, toBigInt(nonce));
  if (!checked.info || checked.problems.length) throw new Error(checked.problems.join('; '));
  return { token: reply.token, info: checked.info };
}
