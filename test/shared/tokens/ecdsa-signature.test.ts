import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derToJose } from '../../../shared/tokens/ecdsa-signature.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const der = (r: string, s: string) => {
  const ri = hex(`02${(r.length / 2).toString(16).padStart(2, '0')}${r}`);
  const si = hex(`02${(s.length / 2).toString(16).padStart(2, '0')}${s}`);
  return Uint8Array.from([0x30, ri.length + si.length, ...ri, ...si]);
};
const R32 = '11'.repeat(32);
const S32 = '22'.repeat(32);

describe('derToJose', () => {
  it('turns node:crypto DER signatures into r||s that verify as ieee-p1363', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    // 200 signatures reach the short-component and high-bit cases by chance too.
    for (let i = 0; i < 200; i++) {
      const message = Buffer.from(`message ${i}`);
      const raw = derToJose(sign('sha256', message, { key: privateKey, dsaEncoding: 'der' }));
      expect(raw).toHaveLength(64);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
    }
  });

  it('drops the sign byte of a component whose high bit is set', () => {
    const raw = derToJose(der(`00${'ff'.repeat(32)}`, S32));
    expect(Buffer.from(raw).toString('hex')).toBe(`${'ff'.repeat(32)}${S32}`);
  });

  it('left-pads a short component to 32 bytes', () => {
    const raw = derToJose(der('7f'.repeat(30), '01'));
    expect(Buffer.from(raw).toString('hex')).toBe(`0000${'7f'.repeat(30)}${'00'.repeat(31)}01`);
  });

  it.each([
    ['an empty input', new Uint8Array()],
    ['a non-sequence', hex(`31 44 02 20 ${R32} 02 20 ${S32}`)],
    ['a wrong sequence length', hex(`30 45 02 20 ${R32} 02 20 ${S32}`)],
    ['trailing bytes', Uint8Array.from([...der(R32, S32), 0])],
    ['a missing s', hex(`30 22 02 20 ${R32}`)],
    ['a negative r', der('80' + '11'.repeat(31), S32)],
    ['a non-minimal leading zero', der('00' + '11'.repeat(32), S32)],
    ['a zero r', der('00', S32)],
    ['an r longer than the curve', der('11'.repeat(33), S32)],
    ['a long-form length under 128', hex(`30 81 44 02 20 ${R32} 02 20 ${S32}`)],
    ['a non-integer component', hex(`30 44 04 20 ${R32} 02 20 ${S32}`)],
  ])('refuses %s', (_name, input) => {
    expect(() => derToJose(input)).toThrow('malformed DER ECDSA signature');
  });
});
