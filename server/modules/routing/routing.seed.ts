/**
 * Demo matrix rules: each community answers for problems in its own area; specialist categories go
 * to their bureau district-wide; 明湖's street order and ads go to its 市容劝导中队 and school-gate
 * traffic to its 巡防队 (both named in the article).
 */
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/client.ts';
import * as repo from './routing.repo.ts';

export interface RoutingSeedRefs {
  unit: (name: string) => string;
  category: (code: string) => string;
  user: (username: string) => string | undefined;
}

/** Demo responsibility rules over the demo units and catalogue. */
export async function seedDemoRouting(tx: Tx, tenantId: string, refs: RoutingSeedRefs, now: Date): Promise<void> {
  const rule = (
    categoryCode: string | null,
    areaKind: 'tenant' | 'subdistrict' | 'community',
    areaName: string | null,
    unitName: string,
    extra: { industry?: string; username?: string; note?: string } = {},
  ) => ({
    tenantId,
    id: randomUUID(),
    categoryId: categoryCode ? refs.category(categoryCode) : null,
    industry: extra.industry ?? null,
    areaKind,
    areaId: areaName ? refs.unit(areaName) : null,
    level: null,
    unitId: refs.unit(unitName),
    userId: extra.username ? (refs.user(extra.username) ?? null) : null,
    note: extra.note ?? '演示数据',
    createdAt: now,
    updatedAt: now,
  });
  await repo.insertRules(tx, [
    rule(null, 'community', '李南岗社区', '李南岗社区', { username: 'field_worker' }),
    rule(null, 'community', '祥云社区', '祥云社区'),
    rule(null, 'community', '九龙社区', '九龙社区'),
    rule(null, 'community', '幸福社区', '幸福社区'),
    rule(null, 'community', '潮河社区', '潮河社区'),
    rule(null, 'community', '滨河社区', '滨河社区'),
    rule('E0302', 'tenant', null, '环保局'),
    rule('E0101', 'tenant', null, '城市管理局'),
    rule('E05', 'subdistrict', '明湖办事处', '明湖办事处市容劝导中队'),
    rule('E0201', 'subdistrict', '明湖办事处', '明湖办事处市容劝导中队'),
    rule('E0506', 'subdistrict', '明湖办事处', '明湖办事处巡防队'),
    rule('E0103', 'subdistrict', '潮河办事处', '潮河办事处'),
    rule('S0101', 'tenant', null, '市场监督管理局', { industry: '餐饮' }),
  ]);
}
