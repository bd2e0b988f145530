/** Pure parts of the inspections module: credit codes, order numbers, dates and the notice's wording. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { creditCodeCheckChar, creditCodeProblem, ZParty } from '../../../common/inspections.ts';
import { blockLines, cn, factsSentence, noticePitch, numberedActions, textWidth } from './inspections.docx.ts';
import { chineseDate, localDate, orderNumber, orderNumberPrefix } from './inspections.service.ts';

describe('统一社会信用代码 (GB 32100-2015)', () => {
  test('published codes pass; a changed check character or body character fails', () => {
    for (const ok of ['91350100M000100Y43', '91110000600037341L']) assert.equal(creditCodeProblem(ok), null, ok);
    assert.match(creditCodeProblem('91350100M000100Y44') ?? '', /校验位不符\(应为 3\)/);
    assert.match(creditCodeProblem('91350100M000101Y43') ?? '', /校验位不符/);
  });

  test('length and character set are checked before the checksum', () => {
    assert.match(creditCodeProblem('91350100M000100Y4') ?? '', /18 位/);
    // I, O, S, V, Z are not code characters; positions 3–8 are digits.
    assert.match(creditCodeProblem('91350100M000100YO3') ?? '', /格式不正确/);
    assert.match(creditCodeProblem('913501A0M000100Y43') ?? '', /格式不正确/);
    assert.equal(creditCodeCheckChar('9135010OM000100Y4'), null);
  });

  test('the check character is 31 − (Σ value × 3^i mod 31) mod 31, mapped back into the set', () => {
    // Every one of the 31 residues is reachable: vary the last body character.
    const seen = new Set<string>();
    for (const ch of '0123456789ABCDEFGHJKLMNPQRTUWXY') {
      const c = creditCodeCheckChar(`9135010000000000${ch}`);
      assert.ok(c);
      seen.add(c);
    }
    assert.equal(seen.size, 31);
  });

  test('the party schema upper-cases, trims and refuses a bad code', () => {
    const ok = ZParty.parse({ name: '张记餐馆', address: '四大街', licenceNo: ' 91350100m000100y43 ' });
    assert.equal(ok.licenceNo, '91350100M000100Y43');
    assert.equal(ZParty.parse({ name: 'a', address: 'b', licenceNo: '' }).licenceNo, null);
    const bad = ZParty.safeParse({ name: 'a', address: 'b', licenceNo: '91350100M000100Y44' });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error?.issues[0]?.path, ['licenceNo']);
  });
});

describe('order numbers and dates', () => {
  test('经开区 → 经开城管责改〔2026〕第0001号', () => {
    assert.equal(orderNumberPrefix('经开区'), '经开城管责改');
    assert.equal(orderNumber(orderNumberPrefix('经开区'), 2026, 1), '经开城管责改〔2026〕第0001号');
    assert.equal(orderNumber('X', 2026, 12345), 'X〔2026〕第12345号');
    assert.equal(orderNumberPrefix('郑州市'), '郑州城管责改');
  });

  test('dates are local to the zone: 16:30 UTC on 31 Dec is already 1 Jan in Beijing', () => {
    const d = new Date('2026-12-31T16:30:00Z');
    assert.equal(localDate(d, 'Asia/Shanghai'), '2027-01-01');
    assert.equal(chineseDate(d, 'Asia/Shanghai'), '2027年1月1日');
    assert.equal(chineseDate(d, 'UTC'), '2026年12月31日');
  });
});

describe('the notice’s wording', () => {
  test('ASCII punctuation next to Chinese becomes full-width; other ASCII stays', () => {
    assert.equal(cn('经查,你(单位)于4月15日:'), '经查，你（单位）于4月15日：');
    assert.equal(cn('No. 8 (east), A-1'), 'No. 8 (east), A-1');
  });

  test('facts get one "经查,你(单位)" lead-in and a full stop', () => {
    assert.equal(factsSentence('在店外摆放货架'), '经查，你（单位）在店外摆放货架。');
    assert.equal(factsSentence('经查,你店在店外摆放货架。'), '经查，你店在店外摆放货架。');
  });

  test('several requirements are numbered (一)(二) unless already numbered', () => {
    assert.deepEqual(numberedActions(['清除店外物品', '', '恢复通行']), ['（一）清除店外物品。', '（二）恢复通行。']);
    assert.deepEqual(numberedActions(['1. 清除', '2. 恢复']), ['1. 清除。', '2. 恢复。']);
    assert.deepEqual(numberedActions(['清除店外物品']), ['清除店外物品。']);
  });

  test('text width counts ASCII as half a character', () => {
    assert.equal(textWidth('2026年4月15日'), 6.5);
  });
});

describe('fitting the notice on one page', () => {
  test('22 lines at 28.95 pt; up to 26 lines by tightening to ≥ 24 pt; more runs on at the standard pitch', () => {
    assert.equal(noticePitch(20), 579);
    assert.equal(noticePitch(22), 579);
    assert.equal(noticePitch(26), 490);
    assert.equal(noticePitch(27), 579);
  });

  test('a block’s lines on the 28-character grid count the two-character indent and the title’s size', () => {
    assert.equal(blockLines({ kind: 'indent', runs: [{ text: '字'.repeat(26) }] }), 1);
    assert.equal(blockLines({ kind: 'indent', runs: [{ text: '字'.repeat(27) }] }), 2);
    assert.equal(blockLines({ kind: 'plain', runs: [{ text: 'a'.repeat(56) }] }), 1);
    assert.equal(blockLines({ kind: 'title', runs: [{ text: '字'.repeat(21) }] }), 2);
    assert.equal(blockLines({ kind: 'blank', runs: [] }), 1);
  });
});
