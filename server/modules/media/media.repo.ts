import { and, eq, inArray, like, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { caseMedia, cases, media, orgUnits } from '../../db/schema.ts';

export type MediaRow = typeof media.$inferSelect;
export type NewMediaRow = typeof media.$inferInsert;

export async function insertMedia(db: Executor, row: NewMediaRow): Promise<void> {
  await db.insert(media).values(row);
}

export async function getMedia(db: Executor, tenantId: string, id: string): Promise<MediaRow | null> {
  const [r] = await db
    .select()
    .from(media)
    .where(and(eq(media.tenantId, tenantId), eq(media.id, id)));
  return r ?? null;
}

export async function mediaByIds(db: Executor, tenantId: string, ids: readonly string[]): Promise<MediaRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(media)
    .where(and(eq(media.tenantId, tenantId), inArray(media.id, [...new Set(ids)])));
}

/** Who is asking, for the case-based visibility check: the user and, unless tenant-wide, their scope. */
export interface CaseViewer {
  userId: string;
  /** Org-unit path prefixes ("own unit and below"). */
  paths: readonly string[];
  /** Command HQs the viewer commands (a case whose hq_id is one of them is theirs). */
  hqIds: readonly string[];
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * True when the photo is attached (case_media) to a case the viewer can see: its responsible unit lies
 * in the viewer's subtrees, its HQ is one the viewer commands, or the viewer reported it or is its
 * assignee.
 */
export async function visibleThroughCase(
  db: Executor,
  tenantId: string,
  mediaId: string,
  viewer: CaseViewer,
): Promise<boolean> {
  const conds: SQL[] = [eq(cases.reportedBy, viewer.userId), eq(cases.assigneeId, viewer.userId)];
  for (const p of viewer.paths) conds.push(like(orgUnits.path, `${escapeLike(p)}%`));
  if (viewer.hqIds.length > 0) conds.push(inArray(cases.hqId, [...viewer.hqIds]));
  const rows = await db
    .select({ caseId: cases.id })
    .from(caseMedia)
    .innerJoin(cases, and(eq(cases.tenantId, caseMedia.tenantId), eq(cases.id, caseMedia.caseId)))
    .leftJoin(orgUnits, and(eq(orgUnits.tenantId, cases.tenantId), eq(orgUnits.id, cases.unitId)))
    .where(and(eq(caseMedia.tenantId, tenantId), eq(caseMedia.mediaId, mediaId), or(...conds)))
    .limit(1);
  return rows.length > 0;
}
