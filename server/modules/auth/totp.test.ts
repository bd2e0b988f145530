import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base32Decode, base32Encode, matchTotp, newTotpSecret, totpAt } from './totp.ts';

// RFC 6238 appendix B, SHA-1 secret "12345678901234567890"; the 8-digit values end in these 6 digits.
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'));

test('base32 round-trips and matches the RFC 4648 alphabet', () => {
  assert.equal(RFC_SECRET, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  assert.equal(base32Decode(RFC_SECRET).toString(), '12345678901234567890');
  const s = newTotpSecret();
  assert.equal(s.length, 32);
  assert.equal(base32Encode(base32Decode(s)), s);
});

test('codes match the RFC 6238 test vectors', () => {
  assert.equal(totpAt(RFC_SECRET, Math.floor(59 / 30)), '287082');
  assert.equal(totpAt(RFC_SECRET, Math.floor(1111111109 / 30)), '081804');
  assert.equal(totpAt(RFC_SECRET, Math.floor(1234567890 / 30)), '005924');
  assert.equal(totpAt(RFC_SECRET, Math.floor(2000000000 / 30)), '279037');
});

test('accepts one step of drift, refuses two, and refuses replay', () => {
  const now = new Date(1111111109 * 1000);
  const step = Math.floor(1111111109 / 30);
  assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step - 1), now, null), step - 1);
  assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step + 1), now, null), step + 1);
  assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step - 2), now, null), null);
  assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step), now, step), null, 'replayed code');
});
