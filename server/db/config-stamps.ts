/**
 * Reference data (categories, the responsibility matrix, org units, people, grid cells) is read on
 * every case intake but changes a few times a day. Triggers bump `config_stamps.stamp` for a tenant
 * in the same transaction as any change to it (migration 0006), so a process can keep what it read
 * in memory and reuse it for as long as the stamp it reads alongside a request is the one it loaded
 * under: a committed change is seen by the next request of every process, and an uncommitted one
 * by nobody.
 */
import { sql } from 'drizzle-orm';
import { type Database, type Executor, rowsOf } from './client.ts';

/** The tenant's current reference-data stamp (0 before any change was recorded). */
export async function readConfigStamp(db: Executor, tenantId: string): Promise<number> {
  const rows = rowsOf<{ stamp: number | string }>(
    await db.execute(sql`select stamp from config_stamps where tenant_id = ${tenantId}`),
  );
  return Number(rows[0]?.stamp ?? 0);
}

/** Entries kept per tenant before the memo is dropped and refilled (bounds memory, not correctness). */
const MAX_ENTRIES = 20_000;

interface TenantMemo {
  stamp: number;
  values: Map<string, Promise<unknown>>;
}

const memos = new WeakMap<Database, Map<string, TenantMemo>>();

/**
 * Reference data of one tenant as of `stamp`: `memo(key, load)` answers from memory when `key` was
 * loaded under the same stamp, and loads it otherwise. Load only data that the stamp's triggers
 * cover. A failed load is not kept.
 */
export function referenceData(database: Database, tenantId: string, stamp: number) {
  let byTenant = memos.get(database);
  if (!byTenant) {
    byTenant = new Map();
    memos.set(database, byTenant);
  }
  let memo = byTenant.get(tenantId);
  // An older stamp is replaced; a request carrying an older stamp than the memo's (it read the stamp
  // before a change committed) loads for itself without disturbing the newer memo.
  if (!memo || memo.stamp < stamp || memo.values.size > MAX_ENTRIES) {
    memo = { stamp, values: new Map() };
    byTenant.set(tenantId, memo);
  }
  const current = memo.stamp === stamp ? memo : null;
  return {
    memo<T>(key: string, load: () => Promise<T>): Promise<T> {
      const hit = current?.values.get(key);
      if (hit) return hit as Promise<T>;
      const p = load();
      if (current) {
        current.values.set(key, p);
        p.catch(() => {
          if (current.values.get(key) === p) current.values.delete(key);
        });
      }
      return p;
    },
  };
}
