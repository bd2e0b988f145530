/**
 * Every route declares who may call it (config.access). A route without a declaration makes the app
 * refuse to start, so nothing is reachable by omission: deny by default.
 */
import type { TPermission } from '../../common/roles.ts';
import type { Actor } from '../modules/auth/index.ts';

export type Access =
  /** No login: health probes, login itself, the web app's static files, the API description. */
  | { public: true }
  /** Any logged-in user (their own account, the district overview). */
  | { authenticated: true }
  /** A permission; the service then checks the object is within the caller's data scope (404 if not). */
  | { permission: TPermission };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** The session's CSRF token and expiry, when the caller came with a session cookie. */
    session: { csrfToken: string; expiresAt: Date } | null;
  }
}

/** Routes registered by plugins (Swagger UI, static files) are public by nature; they are listed here. */
const PLUGIN_PUBLIC_EXACT = new Set(['/', '/*']);
const PLUGIN_PUBLIC_PREFIXES = ['/api/docs'];

export function defaultAccessFor(url: string): Access | null {
  if (PLUGIN_PUBLIC_EXACT.has(url) || PLUGIN_PUBLIC_PREFIXES.some((p) => url.startsWith(p))) return { public: true };
  return null;
}

export function describeAccess(a: Access): string {
  if ('public' in a) return 'public';
  if ('authenticated' in a) return 'authenticated';
  return `permission:${a.permission}`;
}

/** Shorthands for route definitions. */
export const PUBLIC: Access = { public: true };
export const AUTHENTICATED: Access = { authenticated: true };
export const can = (permission: TPermission): Access => ({ permission });
