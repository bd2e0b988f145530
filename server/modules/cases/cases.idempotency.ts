/**
 * Idempotency-Key for case intake (draft-ietf-httpapi-idempotency-key-header): the same key with the
 * same body answers the original response; with a different body 422; while the first request is
 * still in flight 409. The key is claimed in one statement of its own and completed in the transaction
 * that writes the case, so a committed case always has its stored answer. A claim whose process died
 * is abandoned after IN_FLIGHT_LEASE_MS and taken over by the retry (which also looks for a case with
 * the same client id, in case it exists) — so a crash never makes a second case. The lease is short
 * because a takeover is harmless.
 */
import { createHash } from 'node:crypto';
import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../deps.ts';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { AppError } from '../../lib/errors.ts';
import type { Actor } from '../auth/index.ts';
import * as repo from './cases.repo.ts';

export const IN_FLIGHT_LEASE_MS = 10_000;
/** Stored responses are kept this long, then purged by housekeeping. */
export const KEY_RETENTION_MS = 7 * 86_400_000;

/** A key this request holds: what its stored answer is filed under. */
export interface ClaimedKey {
  key: string;
  route: string;
  requestHash: string;
  createdAt: Date;
}

export type Replay =
  | { replay: true; status: number; body: unknown }
  | {
      replay: false;
      key: ClaimedKey;
      /** An earlier attempt's lease ran out and this one took over. */
      takeover: boolean;
    };

/**
 * A claim of a new key, to be tried by one insert (alone, or riding along with the request's first
 * lookup). `made` is set once the insert succeeded: from then on the key is this request's, and a
 * failure must release it.
 */
export interface KeyClaim {
  row: repo.ClaimRow;
  key: ClaimedKey;
  made: boolean;
}

/** The claim a request with this key and body would make. */
export function newClaim(actor: Actor, deps: Deps, route: string, key: string, body: unknown): KeyClaim {
  const hash = createHash('sha256').update(canonicalJson(body)).digest('hex');
  const now = deps.clock.now();
  return {
    row: {
      tenantId: actor.tenantId,
      userId: actor.userId,
      key,
      route,
      requestHash: hash,
      status: 'in_flight',
      lockedUntil: new Date(now.getTime() + IN_FLIGHT_LEASE_MS),
      createdAt: now,
    },
    key: { key, route, requestHash: hash, createdAt: now },
    made: false,
  };
}

/** The key was used before: the caller answers through claimKey (replay, 409, 422 or takeover). */
export class KeyTaken extends Error {
  constructor() {
    super('idempotency key taken');
  }
}

/** Claim the key, or answer what the first request with it got. */
export async function claimKey(actor: Actor, deps: Deps, route: string, key: string, body: unknown): Promise<Replay> {
  const { row, key: claimed } = newClaim(actor, deps, route, key, body);
  const hash = row.requestHash;
  const now = row.createdAt;
  // The common case, a new key, is one statement; only a key seen before needs the locked look.
  // The claim need not survive a crash (a retry claims again, and the case commits durably with its
  // stored answer), so on PostgreSQL it goes through the relaxed connections and does not wait for the
  // WAL flush: one fsync per case, not two. A later durable commit flushes the WAL up to and including it.
  const fresh = await repo.claimIdempotency(deps.database.relaxedDb, row);
  if (fresh) return { replay: false, key: claimed, takeover: false };
  return deps.database.db.transaction(async (tx) => {
    if (await repo.claimIdempotency(tx, row)) return { replay: false as const, key: claimed, takeover: false };
    const row0 = await repo.getIdempotency(tx, actor.tenantId, actor.userId, key);
    if (!row0) throw new AppError('CONFLICT', '请求正在处理中,请稍后重试');
    if (row0.requestHash !== hash || row0.route !== route) {
      throw new AppError('UNPROCESSABLE', 'Idempotency-Key 已用于另一个不同的请求', [
        { field: 'headers.idempotency-key', message: '同一个键只能用于同一个请求体' },
      ]);
    }
    if (row0.status === 'done')
      return { replay: true as const, status: row0.responseStatus ?? 200, body: row0.responseBody };
    if (row0.lockedUntil && row0.lockedUntil > now) {
      throw new AppError('CONFLICT', '相同 Idempotency-Key 的请求仍在处理中,请稍后重试', [
        { field: 'headers.idempotency-key', message: '处理中' },
      ]);
    }
    // The first attempt died mid-way (nothing of it committed): this one takes over.
    await repo.updateIdempotency(tx, actor.tenantId, actor.userId, key, {
      lockedUntil: new Date(now.getTime() + IN_FLIGHT_LEASE_MS),
    });
    return { replay: false as const, key: { ...claimed, createdAt: row0.createdAt }, takeover: true };
  });
}

/** The request failed before anything was stored: free the key so a corrected retry can use it. */
export async function releaseKey(actor: Actor, deps: Deps, key: string): Promise<void> {
  await repo.deleteIdempotency(deps.database.db, actor.tenantId, actor.userId, key);
}

/**
 * Remember the response, in the transaction that made it: a crash before the commit leaves neither
 * the change nor the stored answer (the claim is then taken over after its lease).
 */
export async function completeKey(tx: Tx, actor: Actor, key: string, status: number, body: unknown): Promise<void> {
  await repo.updateIdempotency(tx, actor.tenantId, actor.userId, key, {
    status: 'done',
    lockedUntil: null,
    responseStatus: status,
    responseBody: JSON.parse(JSON.stringify(body)),
  });
}

/** Is this an error after which nothing was stored (a 4xx), so the key may be freed? */
export function isClientError(e: unknown): boolean {
  return e instanceof AppError && e.status < 500;
}
