/**
 * Types of the authorisation matrix. Each module declares its routes in `<m>.authz.ts` (exporting
 * `MATRIX` and, when it has object routes, `SCOPE_CASES`); server/http/authz-matrix.int.test.ts
 * collects every such file, so a module adds routes without touching a shared file.
 */
import type { InjectOptions } from 'fastify';
import type { TRole } from '../../common/roles.ts';
import type { Session, TestApp } from './app.ts';

export interface Ctx {
  t: TestApp;
  /** A sys_admin session (TOTP done) and a leader session, for setting things up. */
  sysAdmin: Session;
  leader: Session;
  unit(name: string): string;
  user(username: string): string;
  /** A target account made for the matrix, so changing it disturbs no one. */
  targetUserId: string;
  /** A counter for unique names. */
  n(): number;
  /** A per-run cache for module setup (e.g. a created object's id). */
  memo<T>(key: string, make: () => Promise<T>): Promise<T>;
}

export interface MatrixEntry {
  /** 'public' | 'authenticated' | 'permission:<p>' — must equal the route's declaration. */
  access: string;
  /** The request to try; omitted for plugin routes that need no per-role check. */
  request?: (ctx: Ctx) => InjectOptions | Promise<InjectOptions>;
  /** This route ends the caller's session: use a fresh one per call. */
  consumesSession?: boolean;
}

export type Matrix = Record<string, MatrixEntry>;

/** [role, what, request, expected status]: objects in (200) and out (404) of the caller's scope. */
export type ScopeCase = [TRole, string, (ctx: Ctx) => InjectOptions | Promise<InjectOptions>, number];
