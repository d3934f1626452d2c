/**
 * The little DER (ITU-T X.690) that an RFC 3161 time stamp needs: encoding a request and walking a
 * reply's tag-length-value tree. Definite lengths only, as DER requires.
 */

export interface Tlv {
  /** The whole identifier octet (class, constructed bit, tag number < 31). */
  tag: number;
  /** The contents octets. */
  value: Buffer;
  /** The whole element, identifier and length included. */
  raw: Buffer;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
  GENERALIZED_TIME: 0x18,
  /** [0] constructed, context-specific. */
  CONTEXT_0: 0xa0,
} as const;

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function encode(tag: number, ...contents: Buffer[]): Buffer {
  const value = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}

/** An INTEGER from unsigned big-endian bytes (a leading zero keeps it positive). */
export function encodeUnsigned(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return encode(TAG.INTEGER, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export function encodeOid(oid: string): Buffer {
  const parts = oid.split('.').map(Number);
  const bytes = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk = [part & 0x7f];
    for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return encode(TAG.OID, Buffer.from(bytes));
}

export function decodeOid(value: Buffer): string {
  const parts = [Math.floor(value[0]! / 40), value[0]! % 40];
  let v = 0;
  for (const byte of value.subarray(1)) {
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** Reads one element at `offset`; throws on anything that is not well-formed DER. */
export function readTlv(buf: Buffer, offset = 0): Tlv {
  const tag = buf[offset];
  let len = buf[offset + 1];
  if (tag === undefined || len === undefined) throw new Error('DER: truncated element');
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags are not supported');
  let at = offset + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: indefinite or oversized length');
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + (buf[at + i] ?? 0);
    at += count;
  }
  if (at + len > buf.length) throw new Error('DER: element runs past the end');
  return { tag, value: buf.subarray(at, at + len), raw: buf.subarray(offset, at + len) };
}

/** The elements inside a constructed element, in order. */
export function children(parent: Tlv | Buffer): Tlv[] {
  const value = Buffer.isBuffer(parent) ? parent : parent.value;
  const out: Tlv[] = [];
  for (let offset = 0; offset < value.length; ) {
    const tlv = readTlv(value, offset);
    out.push(tlv);
    offset += tlv.raw.length;
  }
  return out;
}

/** The element with this tag, or an error naming what was expected. */
export function expect(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new Error(`DER: ${what} is missing or malformed`);
  return tlv;
}

/** An INTEGER's value as a non-negative bigint. */
export function toBigInt(value: Buffer): bigint {
  return value.length === 0 ? 0n : BigInt(`0x${value.toString('hex')}`);
}
