import type { Tx } from '../../db/client.ts';

/** The demo catalogue: 数字城管 event and component classes plus the campaign's own categories. */
export async function seedDemoCategories(
  _tx: Tx,
  _tenantId: string,
  _unitIdByName: Map<string, string>,
  _now: Date,
): Promise<void> {}
