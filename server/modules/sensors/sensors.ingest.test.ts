import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pgArray, pgArrayPlain } from './sensors.ingest.repo.ts';
import { rawText } from './sensors.ingest.ts';

test('column arrays quote and escape device-supplied text, and keep NULL and special numbers apart', () => {
  assert.equal(
    pgArray(['a"b', 'c\\d', 'e,f', '{g}', 'NULL', '', null]),
    '{"a\\"b","c\\\\d","e,f","{g}","NULL","",NULL}',
  );
  assert.equal(
    pgArray([1.5, -0, 1e21, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null]),
    '{1.5,0,1e+21,NaN,Infinity,-Infinity,NULL}',
  );
  assert.equal(pgArrayPlain(['2026-04-15T01:00:00.000Z', 'a1b2', 3, 1.5]), '{2026-04-15T01:00:00.000Z,a1b2,3,1.5}');
  // With a NULL or a special number it falls back to the quoting form.
  assert.equal(
    pgArrayPlain(['2026-04-15T01:00:00.000Z', null, 3, Number.NaN]),
    '{"2026-04-15T01:00:00.000Z",NULL,3,NaN}',
  );
});

test('raw frames are kept as text: printable ASCII as is, other bytes as \\xHH', () => {
  assert.equal(rawText(Buffer.from('##0010QN=1;ST=2&&ABCD')), '##0010QN=1;ST=2&&ABCD');
  assert.equal(rawText(Buffer.from([0x23, 0x00, 0x5c, 0xff, 0x41])), '#\\x00\\\\\\xffA');
});
