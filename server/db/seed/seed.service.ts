/**
 * First-start data: on an empty database, either the demo district (DEMO on) or a bare tenant with the
 * three administrators (三员) whose password comes from ADMIN_PASSWORD.
 */
import { randomUUID } from 'node:crypto';
import type { TRole } from '../../../common/roles.ts';
import type { Deps } from '../../deps.ts';
import { recordAudit } from '../../modules/audit/index.ts';
import { hashPassword, newTotpSecret, otpauthUri, passwordProblems } from '../../modules/auth/index.ts';
import { seedCalendarDefaults, seedDemoCalendar } from '../../modules/calendar/index.ts';
import { seedDemoCategories } from '../../modules/categories/index.ts';
import { seedDemoGrids } from '../../modules/grids/index.ts';
import { seedDemoRouting } from '../../modules/routing/index.ts';
import { seedDemoSensors } from '../../modules/sensors/index.ts';
import {
  DEMO_ACCOUNTS,
  DEMO_HQ_COMMANDERS,
  DEMO_HQ_MEMBERS,
  DEMO_PASSWORD,
  DEMO_TOTP_SECRETS,
  DEMO_UNITS,
  demoIds,
} from './demo.ts';
import * as repo from './seed.repo.ts';

export interface SeedOutcome {
  seeded: 'demo' | 'bootstrap' | 'none';
  /** Lines for the terminal: accounts and, for a bootstrap, the TOTP provisioning URIs (shown once). */
  notes: string[];
}

const fail = (message: string): never => {
  throw new Error(message);
};

const SYSTEM = (tenantId: string) => ({ tenantId, userId: null, username: 'system', ip: null, requestId: null });

/** Seed the database if it holds no tenant yet. */
export async function seedIfEmpty(deps: Deps): Promise<SeedOutcome> {
  const { config } = deps;
  if ((await repo.countTenants(deps.database.db)) > 0) return { seeded: 'none', notes: [] };
  if (config.DEMO) {
    await seedDemo(deps);
    return { seeded: 'demo', notes: [] };
  }
  if (!config.ADMIN_PASSWORD) {
    throw new Error(
      'ADMIN_PASSWORD is required on the first start without demo data (it becomes the initial password of sys_admin, sec_admin and audit_admin)',
    );
  }
  return bootstrap(deps, config.ADMIN_PASSWORD);
}

/** The demo district with one account per role (password Demo#2026). */
export async function seedDemo(deps: Deps): Promise<string> {
  const { clock, config } = deps;
  const now = clock.now();
  const tenantId = randomUUID();
  const ids = demoIds();
  const id = (key: string) => {
    const v = ids.get(key);
    if (!v) throw new Error(`demo unit ${key} missing`);
    return v;
  };
  const paths = new Map<string, string>();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await deps.database.db.transaction(async (tx) => {
    await repo.insertTenant(tx, {
      tenantId,
      code: config.TENANT_CODE,
      name: config.TENANT_NAME,
      isDemo: true,
      createdAt: now,
    });
    for (const [i, u] of DEMO_UNITS.entries()) {
      const path = `${u.parent ? paths.get(u.parent) : '/'}${id(u.key)}/`;
      paths.set(u.key, path);
      await repo.insertUnit(tx, {
        tenantId,
        id: id(u.key),
        parentId: u.parent ? id(u.parent) : null,
        type: u.type,
        code: u.code,
        name: u.name,
        path,
        sortOrder: i,
        isDemo: u.invented,
        createdAt: now,
        updatedAt: now,
      });
    }
    for (const [hq, members] of Object.entries(DEMO_HQ_MEMBERS)) {
      for (const [i, m] of members.entries()) {
        await repo.insertHqMember(tx, { tenantId, hqId: id(hq), unitId: id(m), isLead: i === 0 });
      }
    }
    const userIds = new Map<string, string>();
    for (const a of DEMO_ACCOUNTS) {
      const userId = randomUUID();
      userIds.set(a.username, userId);
      await repo.insertUser(tx, {
        tenantId,
        id: userId,
        username: a.username,
        displayName: a.displayName,
        unitId: a.unit ? id(a.unit) : null,
        passwordHash,
        roles: [a.username],
        totpSecret: (DEMO_TOTP_SECRETS as Record<string, string>)[a.username] ?? null,
        passwordChangedAt: now,
        createdAt: now,
        updatedAt: now,
      });
    }
    for (const [hq, username] of Object.entries(DEMO_HQ_COMMANDERS)) {
      const userId = userIds.get(username);
      if (userId)
        await repo.insertHqLeader(tx, { tenantId, hqId: id(hq), userId, position: 'commander', sortOrder: 0 });
    }
    const units = DEMO_UNITS.map((u) => ({
      id: id(u.key),
      type: u.type,
      name: u.name,
      code: u.code,
      parentId: u.parent ? id(u.parent) : null,
    }));
    await seedDemoCalendar(tx, tenantId, now);
    const unitIdByName = new Map(units.map((u) => [u.name, u.id]));
    const categoryIds = await seedDemoCategories(tx, tenantId, unitIdByName, now);
    const must = (m: Map<string, string>, k: string) => m.get(k) ?? fail(`demo seed: ${k} missing`);
    await seedDemoRouting(
      tx,
      tenantId,
      { unit: (n) => must(unitIdByName, n), category: (c) => must(categoryIds, c), user: (u) => userIds.get(u) },
      now,
    );
    await seedDemoGrids(tx, tenantId, units, now);
    await seedDemoSensors(tx, tenantId, unitIdByName, now);
    await recordAudit(tx, clock, SYSTEM(tenantId), {
      action: 'seed.demo',
      objectType: 'tenant',
      objectId: tenantId,
      details: { units: DEMO_UNITS.length, accounts: DEMO_ACCOUNTS.length },
    });
  });
  return tenantId;
}

async function bootstrap(deps: Deps, adminPassword: string): Promise<SeedOutcome> {
  const { clock, config } = deps;
  const problems = passwordProblems(adminPassword, undefined, 'ADMIN_PASSWORD');
  if (problems.length) throw new Error(`ADMIN_PASSWORD: ${problems.map((p) => p.message).join(';')}`);
  const now = clock.now();
  const tenantId = randomUUID();
  const rootId = randomUUID();
  const passwordHash = await hashPassword(adminPassword);
  const notes: string[] = [];
  await deps.database.db.transaction(async (tx) => {
    await repo.insertTenant(tx, {
      tenantId,
      code: config.TENANT_CODE,
      name: config.TENANT_NAME,
      isDemo: false,
      createdAt: now,
    });
    await repo.insertUnit(tx, {
      tenantId,
      id: rootId,
      parentId: null,
      type: 'leading_group',
      code: config.TENANT_CODE,
      name: `${config.TENANT_NAME}领导小组`,
      path: `/${rootId}/`,
      createdAt: now,
      updatedAt: now,
    });
    for (const role of ['sys_admin', 'sec_admin', 'audit_admin'] as TRole[]) {
      const secret = newTotpSecret();
      await repo.insertUser(tx, {
        tenantId,
        id: randomUUID(),
        username: role,
        displayName: role,
        passwordHash,
        roles: [role],
        totpSecret: secret,
        mustChangePassword: true,
        passwordChangedAt: now,
        createdAt: now,
        updatedAt: now,
      });
      notes.push(`${role}: TOTP ${otpauthUri(secret, role)}`);
    }
    await seedCalendarDefaults(tx, tenantId, now);
    await recordAudit(tx, clock, SYSTEM(tenantId), {
      action: 'seed.bootstrap',
      objectType: 'tenant',
      objectId: tenantId,
      details: { admins: ['sys_admin', 'sec_admin', 'audit_admin'] },
    });
  });
  return { seeded: 'bootstrap', notes };
}
