/**
 * The sensors gateway's own account: cases opened by monitors are reported by `sensor-gateway`, a service
 * user (is_service = true: it cannot log in) with the inspector role (tenant scope, may report), created in
 * each tenant on first use.
 */
import { randomUUID } from 'node:crypto';
import { permissionsOf, type TRole } from '../../../common/roles.ts';
import type { Deps } from '../../deps.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import * as repo from './sensors.ingest.repo.ts';
import { GATEWAY_USERNAME } from './sensors.ingest.ts';

const ROLES: TRole[] = ['inspector'];
/** Not an argon2/sha256 hash of anything: no password can match it. */
const NO_PASSWORD = '!service-account';

/** The gateway's Actor in a tenant, creating its user row the first time. */
export async function sensorGatewayActor(deps: Deps, tenantId: string): Promise<Actor> {
  const db = deps.database.db;
  let user = await repo.userByUsername(db, tenantId, GATEWAY_USERNAME);
  if (!user) {
    const now = deps.clock.now();
    const id = randomUUID();
    await db.transaction(async (tx) => {
      const inserted = await repo.insertUserIfAbsent(tx, {
        tenantId,
        id,
        username: GATEWAY_USERNAME,
        displayName: '扬尘监测网关',
        unitId: null,
        passwordHash: NO_PASSWORD,
        roles: ROLES,
        isService: true,
        passwordChangedAt: now,
        createdAt: now,
        updatedAt: now,
      });
      if (inserted)
        await recordAudit(
          tx,
          deps.clock,
          { tenantId, userId: null, username: 'system' },
          {
            action: 'sensors.gateway_account.create',
            objectType: 'user',
            objectId: id,
            details: { username: GATEWAY_USERNAME, roles: ROLES, isService: true },
          },
        );
    });
    user = await repo.userByUsername(db, tenantId, GATEWAY_USERNAME);
    if (!user) throw new Error('sensor-gateway account could not be created');
  }
  const tenant = await repo.tenantById(db, tenantId);
  const roles = user.roles as TRole[];
  return {
    tenantId,
    tenantCode: tenant?.code ?? '',
    tenantName: tenant?.name ?? '',
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    roles,
    permissions: new Set(permissionsOf(roles)),
    unitId: user.unitId,
    scope: { kind: 'tenant' },
    via: 'system',
    sessionId: null,
    tokenId: null,
    ip: null,
    requestId: null,
  };
}
