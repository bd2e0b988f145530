import type { Tx } from '../../db/client.ts';

export interface SeedUnit {
  id: string;
  type: string;
  name: string;
  code: string;
  parentId: string | null;
}

/** The demo district's grid cells and outline, owned by the demo communities. */
export async function seedDemoGrids(_tx: Tx, _tenantId: string, _units: SeedUnit[], _now: Date): Promise<void> {}
