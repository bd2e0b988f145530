import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { parseConfig } from '../../config.ts';
import { buildApp } from '../../http/app.ts';
import { ManualClock } from '../../lib/clock.ts';
import { openDatabase } from '../client.ts';
import { migrateDatabase } from '../migrate.ts';
import { seedIfEmpty } from './seed.service.ts';

// Seeding decides on an empty database, so these use their own fresh PGlite rather than the template.
async function fresh(env: Record<string, string>) {
  const database = await openDatabase({ dataDir: 'memory://' });
  await migrateDatabase(database);
  return { config: parseConfig(env), database, clock: new ManualClock(), log: pino({ level: 'silent' }) };
}

test('outside demo mode the first start needs ADMIN_PASSWORD and creates only the three admins', async () => {
  const deps = await fresh({ DEMO: 'off' });
  await assert.rejects(seedIfEmpty(deps), /ADMIN_PASSWORD is required/);
  await assert.rejects(
    seedIfEmpty({ ...deps, config: parseConfig({ DEMO: 'off', ADMIN_PASSWORD: 'weakpass' }) }),
    /ADMIN_PASSWORD/,
  );
  const out = await seedIfEmpty({ ...deps, config: parseConfig({ DEMO: 'off', ADMIN_PASSWORD: 'Initial#Pass9' }) });
  assert.equal(out.seeded, 'bootstrap');
  assert.equal(out.notes.length, 3);
  assert.ok(out.notes.every((n) => n.includes('otpauth://totp/')));
  const app = await buildApp(deps);
  const demo = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'leader', password: 'Demo#2026' },
  });
  assert.equal(demo.statusCode, 401, 'no demo accounts');
  const admin = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'sys_admin', password: 'Initial#Pass9' },
  });
  assert.equal(admin.json().code, 'TOTP_REQUIRED');
  await app.close();
  assert.equal((await seedIfEmpty(deps)).seeded, 'none', 'never seeds twice');
  await deps.database.close();
});

test('demo mode seeds the article’s district once', async () => {
  const deps = await fresh({ DEMO: 'on' });
  assert.equal((await seedIfEmpty(deps)).seeded, 'demo');
  assert.equal((await seedIfEmpty(deps)).seeded, 'none');
  const app = await buildApp(deps);
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'leader', password: 'Demo#2026' },
  });
  const cookie = login.cookies.find((c) => c.name === 'gc_sid');
  const ov = await app.inject({ url: '/api/v1/org/overview', headers: { cookie: `gc_sid=${cookie?.value}` } });
  const body = ov.json();
  assert.equal(body.tenant.name, '经开区');
  assert.equal(body.isDemo, true);
  assert.equal(body.counts.hqs, 8);
  assert.deepEqual(
    body.subdistricts.map((s: { name: string }) => s.name),
    ['明湖办事处', '九龙办事处', '潮河办事处'],
  );
  assert.ok(body.subdistricts[0].communities.includes('李南岗社区'));
  assert.ok(body.hqs.some((h: { name: string }) => h.name === '交通指挥部'));
  assert.ok(body.hqs.some((h: { name: string }) => h.name === '铁路河渠指挥部'));
  await app.close();
  await deps.database.close();
});
