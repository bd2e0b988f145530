import { count } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { hqLeaders, hqMembers, orgUnits, tenants, users } from '../schema.ts';

export async function countTenants(db: Executor): Promise<number> {
  const [r] = await db.select({ n: count() }).from(tenants);
  return Number(r?.n ?? 0);
}
export async function insertTenant(db: Executor, row: typeof tenants.$inferInsert) {
  await db.insert(tenants).values(row);
}
export async function insertUnit(db: Executor, row: typeof orgUnits.$inferInsert) {
  await db.insert(orgUnits).values(row);
}
export async function insertHqMember(db: Executor, row: typeof hqMembers.$inferInsert) {
  await db.insert(hqMembers).values(row);
}
export async function insertUser(db: Executor, row: typeof users.$inferInsert) {
  await db.insert(users).values(row);
}
export async function insertHqLeader(db: Executor, row: typeof hqLeaders.$inferInsert) {
  await db.insert(hqLeaders).values(row);
}
