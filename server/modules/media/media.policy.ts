/**
 * Who may upload and read photos. Uploading: `media.upload` (the roles that report and work cases).
 * Reading (`cases.read`) a photo: its uploader; anyone whose scope is the whole tenant; anyone who can
 * see a case it is attached to. Everyone else gets 404, as for any object outside the scope.
 */
import { can } from '../../http/access.ts';
import type { Actor } from '../auth/index.ts';
import type { CaseViewer } from './media.repo.ts';

export const mediaAccess = {
  upload: can('media.upload'),
  read: can('cases.read'),
} as const;

/** Decided without the database: true (tenant-wide or the uploader), or null (ask which cases show it). */
export function canReadWithoutCases(actor: Actor, uploadedBy: string | null): true | null {
  if (actor.scope.kind === 'tenant') return true;
  if (uploadedBy !== null && uploadedBy === actor.userId) return true;
  return null;
}

export function caseViewerOf(actor: Actor): CaseViewer {
  return {
    userId: actor.userId,
    paths: actor.scope.kind === 'subtrees' ? actor.scope.paths : [],
    hqIds: actor.scope.kind === 'subtrees' ? actor.scope.hqIds : [],
  };
}

/**
 * Which photos a user may attach to a case they report or work on: their own uploads only. A photo is
 * evidence of what its uploader saw; attaching someone else's would present it as one's own.
 */
export function canAttach(actor: Actor, uploadedBy: string | null): boolean {
  return uploadedBy !== null && uploadedBy === actor.userId;
}
