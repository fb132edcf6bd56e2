/**
 * ECDSA signature encodings. KMS (like OpenSSL) returns an ECDSA signature as
 * DER: `SEQUENCE { INTEGER r, INTEGER s }`. JOSE (RFC 7518 §3.4) wants the raw
 * concatenation `r||s`, each left-padded to the curve size (32 bytes for P-256).
 */

/** Size in bytes of each of r and s for P-256. */
export const P256_COMPONENT_BYTES = 32;

const malformed = () => new Error('malformed DER ECDSA signature');

/** Reads a DER length at `at`; returns [length, offset after it]. Short and one-byte long forms only (enough for P-256). */
function readLength(der: Uint8Array, at: number): [number, number] {
  const first = der[at];
  if (first === undefined) throw malformed();
  if (first < 0x80) return [first, at + 1];
  if (first !== 0x81) throw malformed();
  const len = der[at + 1];
  // DER forbids the long form for lengths under 128.
  if (len === undefined || len < 0x80) throw malformed();
  return [len, at + 2];
}

/** Reads one positive DER INTEGER and returns its big-endian magnitude left-padded to `size` bytes. */
function readInteger(der: Uint8Array, at: number, size: number): [Uint8Array, number] {
  if (der[at] !== 0x02) throw malformed();
  const [len, start] = readLength(der, at + 1);
  const end = start + len;
  if (len === 0 || end > der.length) throw malformed();
  let bytes = der.subarray(start, end);
  // Negative numbers never occur in a signature; reject rather than guess.
  if ((bytes[0]! & 0x80) !== 0) throw malformed();
  // A leading zero is only allowed (and required) before a byte with its high bit set.
  if (bytes[0] === 0) {
    if (bytes.length === 1 || (bytes[1]! & 0x80) === 0) throw malformed();
    bytes = bytes.subarray(1);
  }
  if (bytes.length > size) throw malformed();
  const out = new Uint8Array(size);
  out.set(bytes, size - bytes.length);
  return [out, end];
}

/**
 * Converts a DER-encoded ECDSA signature into JOSE's raw `r||s`
 * (64 bytes for P-256). Throws on anything that is not strict DER with
 * components that fit the curve, so a garbled answer never becomes a token.
 */
export function derToJose(der: Uint8Array, size: number = P256_COMPONENT_BYTES): Uint8Array {
  if (der[0] !== 0x30) throw malformed();
  const [seqLen, body] = readLength(der, 1);
  if (body + seqLen !== der.length) throw malformed();
  const [r, afterR] = readInteger(der, body, size);
  const [s, afterS] = readInteger(der, afterR, size);
  if (afterS !== der.length) throw malformed();
  const out = new Uint8Array(size * 2);
  out.set(r, 0);
  out.set(s, size);
  return out;
}
