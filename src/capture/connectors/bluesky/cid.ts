import { createHash } from 'node:crypto';

/**
 * The CID of a blob as atproto names it (https://atproto.com/specs/data-model#link-and-cid-formats):
 * CIDv1, multicodec `raw` (0x55), multihash sha2-256 (0x12, 32 bytes), written in multibase base32
 * (RFC 4648 lower case, no padding) with its prefix `b`: "bafkrei…". Enough to check that bytes a PDS
 * served are the blob a record names, without a multiformats dependency.
 */
export function rawBlobCid(bytes: Uint8Array): string {
  const digest = createHash('sha256').update(bytes).digest();
  return `b${base32Lower(Buffer.concat([Buffer.from([0x01, 0x55, 0x12, 0x20]), digest]))}`;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, without padding (multibase `b`). */
export function base32Lower(bytes: Uint8Array): string {
  let out = '';
  let value = 0;
  let bits = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + ALPHABET[(value << (5 - bits)) & 31] : out;
}

/** Whether `cid` names these bytes as a raw sha2-256 blob (the only form atproto blobs take). */
export function blobMatches(cid: string, bytes: Uint8Array): boolean {
  return rawBlobCid(bytes) === cid;
}
