/**
 * Point → grid lookups over the ~5,000 demo cells: our in-memory index (flatbush + exact
 * point-in-polygon, one thread) against PostGIS ST_Contains with a GiST index, on the same polygons
 * and the same random points, in one run. Also: the demo grid's seed time and the map layer's size
 * and latency on the embedded database.
 *
 * PostGIS is used for this benchmark only and is not installed by it: without the
 * postgresql-15-postgis-3 package the PostGIS rows say how to install it and are skipped. The
 * cluster is a throw-away one (initdb in a temp dir, a free port, stopped and removed afterwards),
 * started as the postgres user when run as root, as .ci/run does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { parseConfig } from '../server/config.ts';
import { openDatabase, rowsOf } from '../server/db/client.ts';
import { migrateDatabase } from '../server/db/migrate.ts';
import { DEMO_PASSWORD } from '../server/db/seed/demo.ts';
import { seedDemo } from '../server/db/seed/seed.service.ts';
import type { Deps } from '../server/deps.ts';
import { buildApp } from '../server/http/app.ts';
import { ManualClock } from '../server/lib/clock.ts';
import { bboxOf, type PolygonGeometry } from '../server/lib/geo.ts';
import { demoGridCells, GridIndex, seedDemoGrids } from '../server/modules/grids/index.ts';

const POINTS = 1_000_000;
const RUNS = 5;
const PER_POINT_QUERIES = 20_000;
const BATCH = 100_000;
/** PostGIS runs at tens of thousands per second: the first 200,000 of the same points are plenty. */
const POSTGIS_POINTS = 200_000;

const fmt = (n: number) => Math.round(n).toLocaleString('en');

/** A seeded PRNG (Park–Miller), so every run uses the same points. */
function randomPoints(n: number, box: [number, number, number, number]): { xs: Float64Array; ys: Float64Array } {
  let s = 20260415;
  const next = () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = box[0] + next() * (box[2] - box[0]);
    ys[i] = box[1] + next() * (box[3] - box[1]);
  }
  return { xs, ys };
}

interface Rate {
  best: number;
  median: number;
  cpu: number;
}

function measure(n: number, fn: () => void): Rate {
  fn(); // warm-up (JIT)
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    wall.push((n / ms) * 1000);
    cpu.push(n / ((c.user + c.system) / 1e6));
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    best: wall[wall.length - 1] as number,
    median: wall[Math.floor(wall.length / 2)] as number,
    cpu: cpu[cpu.length - 1] as number,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function postgisAvailable(): { bin: string } | { missing: string } {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  const v = versions.find((x) => existsSync(`/usr/share/postgresql/${x}/extension/postgis.control`));
  if (!v) {
    const pgv = versions[0] ?? '15';
    return {
      missing: `PostGIS is not installed: \`apt-get install -y postgresql-${pgv}-postgis-3\` (the benchmark installs nothing itself).`,
    };
  }
  return { bin: `${base}/${v}/bin` };
}

interface Cluster {
  url: string;
  version: string;
  stop(): void;
}

async function startCluster(bin: string): Promise<Cluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gc-bench-postgis-'));
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const run = (cmd: string, args: string[]) => {
    const r = asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', `${bin}/${cmd}`, ...args], { encoding: 'utf8' })
      : spawnSync(`${bin}/${cmd}`, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  run('initdb', ['-D', `${dir}/data`, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  run('pg_ctl', [
    '-D',
    `${dir}/data`,
    '-w',
    '-l',
    `${dir}/log`,
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} -c fsync=off -c shared_buffers=256MB -c jit=off -c max_parallel_workers_per_gather=0`,
    'start',
  ]);
  const version = run('postgres', ['--version']).trim();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    version,
    stop: () => {
      try {
        run('pg_ctl', ['-D', `${dir}/data`, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

interface PostgisResult {
  perPoint: number;
  batched: number;
  batchedCount: number;
  /** Points loaded into a table with a GiST index of their own, then joined (planner's plan). */
  tableJoin: number;
  tableJoinRows: number;
  tableLoadAndIndex: number;
  tablePlan: string;
  agree: { same: number; of: number };
  version: string;
  postgisVersion: string;
  gistBuildMs: number;
}

async function runPostgis(
  bin: string,
  cells: { code: string; geometry: PolygonGeometry }[],
  pts: { xs: Float64Array; ys: Float64Array },
  ours: (x: number, y: number) => string | null,
): Promise<PostgisResult> {
  const cluster = await startCluster(bin);
  const client = new pg.Client({ connectionString: cluster.url });
  try {
    await client.connect();
    await client.query('create extension postgis');
    const postgisVersion = (await client.query('select postgis_lib_version() as v')).rows[0].v as string;
    await client.query('create table cells (code text primary key, geom geometry(Polygon, 4326) not null)');
    await client.query(
      `insert into cells (code, geom)
       select c->>'code', ST_SetSRID(ST_GeomFromGeoJSON(c->>'geometry'), 4326) from jsonb_array_elements($1::jsonb) c`,
      [JSON.stringify(cells.map((c) => ({ code: c.code, geometry: JSON.stringify(c.geometry) })))],
    );
    const g0 = performance.now();
    await client.query('create index cells_geom_gist on cells using gist (geom)');
    const gistBuildMs = performance.now() - g0;
    await client.query('analyze cells');

    // One query per point: a prepared statement on one connection, sequentially.
    const one = {
      name: 'locate',
      text: `select code from cells where ST_Contains(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) order by code limit 1`,
    };
    for (let i = 0; i < 500; i++) await client.query({ ...one, values: [pts.xs[i], pts.ys[i]] });
    let same = 0;
    const t0 = performance.now();
    for (let i = 0; i < PER_POINT_QUERIES; i++) {
      const r = await client.query({ ...one, values: [pts.xs[i], pts.ys[i]] });
      if (((r.rows[0]?.code as string | undefined) ?? null) === ours(pts.xs[i] as number, pts.ys[i] as number)) same++;
    }
    const perPoint = (PER_POINT_QUERIES / (performance.now() - t0)) * 1000;

    // Batched: the same points as arrays, unnested and joined laterally to the index.
    const batchSql = (select: string) => `select ${select}
      from unnest($1::float8[], $2::float8[]) as p(x, y)
      left join lateral (
        select code from cells where ST_Contains(geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326)) order by code limit 1
      ) c on true`;
    const slices: [number[], number[]][] = [];
    for (let i = 0; i < POSTGIS_POINTS; i += BATCH) {
      slices.push([Array.from(pts.xs.subarray(i, i + BATCH)), Array.from(pts.ys.subarray(i, i + BATCH))]);
    }
    await client.query(batchSql('count(c.code)'), slices[0] as [number[], number[]]); // warm-up
    const timeAll = async (select: string) => {
      const t = performance.now();
      let n = 0;
      for (const s of slices) {
        await client.query(batchSql(select), s);
        n += s[0].length;
      }
      return (n / (performance.now() - t)) * 1000;
    };
    const batched = await timeAll('c.code');
    const batchedCount = await timeAll('count(c.code)');

    // Bulk: the points in a table with their own GiST index. The planner may then go polygon at a
    // time (each cell's prepared geometry reused for the points in its box).
    const l0 = performance.now();
    await client.query('create table pts (id int primary key, geom geometry(Point, 4326) not null)');
    for (const [xs, ys] of slices) {
      await client.query(
        `insert into pts select coalesce((select max(id) from pts), 0) + n, ST_SetSRID(ST_MakePoint(x, y), 4326)
         from unnest($1::float8[], $2::float8[]) with ordinality as p(x, y, n)`,
        [xs, ys],
      );
    }
    await client.query('create index pts_geom_gist on pts using gist (geom)');
    await client.query('analyze pts');
    const loadMs = performance.now() - l0;
    const joinSql = (select: string) => `select ${select} from pts p join cells c on ST_Contains(c.geom, p.geom)`;
    await client.query(joinSql('count(*)')); // warm-up
    const j0 = performance.now();
    await client.query(joinSql('count(*)'));
    const joinMs = performance.now() - j0;
    const r0 = performance.now();
    await client.query(joinSql('p.id, c.code'));
    const rowsMs = performance.now() - r0;
    const plan = (await client.query(`explain ${joinSql('count(*)')}`)).rows
      .map((r) =>
        String(r['QUERY PLAN'])
          .trim()
          .replace(/^->\s*/, '')
          .replace(/\s+\(cost=.*$/, ''),
      )
      .filter((l) => /Nested Loop|Scan|Join/.test(l))
      .join('; ');
    const n = POSTGIS_POINTS;
    return {
      perPoint,
      batched,
      batchedCount,
      tableJoin: (n / joinMs) * 1000,
      tableJoinRows: (n / rowsMs) * 1000,
      tableLoadAndIndex: (n / (loadMs + rowsMs)) * 1000,
      tablePlan: plan,
      agree: { same, of: PER_POINT_QUERIES },
      version: cluster.version,
      postgisVersion,
      gistBuildMs,
    };
  } finally {
    await client.end().catch(() => {});
    cluster.stop();
  }
}

/** Seed time of the demo grid and the map layer's size and latency, on an in-memory PGlite. */
async function seedAndLayer(): Promise<string[]> {
  const database = await openDatabase({ dataDir: 'memory://' });
  const deps: Deps = {
    config: parseConfig({ DEMO: 'on', LOG_LEVEL: 'silent' }),
    database,
    clock: new ManualClock('2026-04-15T01:00:00Z'),
    log: pino({ level: 'silent' }),
  };
  try {
    await migrateDatabase(database);
    const t0 = performance.now();
    await seedDemo(deps);
    const seedMs = performance.now() - t0;
    // The grid part alone: remove and seed it again in one transaction (rolled back).
    const units = rowsOf<{ id: string; type: string; name: string; code: string; parentId: string | null }>(
      await database.db.execute(sql`select id, type, name, code, parent_id as "parentId" from org_units`),
    );
    const tenantId = rowsOf<{ tenant_id: string }>(await database.db.execute(sql`select tenant_id from tenants`))[0]
      ?.tenant_id as string;
    const gridTimes: number[] = [];
    for (let k = 0; k < 3; k++) {
      await database.db
        .transaction(async (tx) => {
          await tx.execute(sql`delete from grid_members`);
          await tx.execute(sql`delete from grid_cells`);
          await tx.execute(sql`delete from district_boundaries`);
          const g0 = performance.now();
          await seedDemoGrids(tx, tenantId, units, new Date());
          gridTimes.push(performance.now() - g0);
          throw new Error('rollback');
        })
        .catch(() => {});
    }
    gridTimes.sort((a, b) => a - b);

    const app = await buildApp(deps);
    await app.ready();
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'leader', password: DEMO_PASSWORD },
    });
    const cookie = `gc_sid=${login.cookies.find((c) => c.name === 'gc_sid')?.value}`;
    const get = (headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url: '/api/v1/grids', headers: { cookie, ...headers } });
    const c0 = performance.now();
    const cold = await get();
    const coldMs = performance.now() - c0;
    const warm: number[] = [];
    let gz = cold;
    for (let i = 0; i < 5; i++) {
      const w0 = performance.now();
      gz = await get({ 'accept-encoding': 'gzip' });
      warm.push(performance.now() - w0);
    }
    warm.sort((a, b) => a - b);
    const etag = String(cold.headers.etag);
    const n0 = performance.now();
    const notModified = await get({ 'if-none-match': etag });
    const nmMs = performance.now() - n0;
    const features = (JSON.parse(gunzipSync(gz.rawPayload).toString('utf8')) as { features: unknown[] }).features
      .length;
    await app.close();
    return [
      '| demo grid on the embedded database (PGlite) | |',
      '|---|---|',
      `| whole demo seed (tenant, units, accounts, calendar, categories, matrix, grid) | ${fmt(seedMs)} ms |`,
      `| of which the grid: ${fmt(features)} cells + outline + workers, one \`jsonb_to_recordset\` insert (median of 3) | ${fmt(gridTimes[1] ?? 0)} ms |`,
      `| \`GET /api/v1/grids\` as the leader, first request (loads the in-memory index from the database, serialises, gzips) | ${fmt(coldMs)} ms, ${fmt(cold.rawPayload.length)} bytes JSON |`,
      `| same, cached (median of 5; body unchanged until a cell, outline or unit changes) | ${warm[2]?.toFixed(1)} ms, ${fmt(gz.rawPayload.length)} bytes gzip |`,
      `| same with \`If-None-Match\` | ${notModified.statusCode}, ${nmMs.toFixed(1)} ms |`,
    ];
  } finally {
    await database.close();
  }
}

export async function run(): Promise<string> {
  const { cells, outline } = demoGridCells();
  // Codes as the seed gives them do not matter here; any distinct codes in a stable order do.
  const coded = cells.map((c, i) => ({ code: `410171${String(100000000 + i).slice(1)}`, geometry: c.geometry }));
  const b0 = performance.now();
  const index = new GridIndex(
    coded.map((c) => ({
      id: c.code,
      code: c.code,
      name: '',
      unitId: null,
      geometry: c.geometry,
      bbox: bboxOf(c.geometry),
    })),
  );
  const buildMs = performance.now() - b0;
  const box = bboxOf(outline);
  const pts = randomPoints(POINTS, box);
  const load = os.loadavg()[0] ?? 0;

  let hits = 0;
  const fast = measure(POINTS, () => {
    hits = 0;
    for (let i = 0; i < POINTS; i++) if (index.locateIndex(pts.xs[i] as number, pts.ys[i] as number) >= 0) hits++;
  });
  const simple = measure(POINTS, () => {
    for (let i = 0; i < POINTS; i++) index.locateIndexSimple(pts.xs[i] as number, pts.ys[i] as number);
  });
  let disagree = 0;
  for (let i = 0; i < 100_000; i++) {
    if (
      index.locateIndex(pts.xs[i] as number, pts.ys[i] as number) !==
      index.locateIndexSimple(pts.xs[i] as number, pts.ys[i] as number)
    )
      disagree++;
  }
  const ours = (x: number, y: number) => index.locate(x, y)?.code ?? null;

  const avail = postgisAvailable();
  let pgRows: string[];
  let pgNote: string;
  let goal20: string;
  if ('missing' in avail) {
    process.stdout.write(`${avail.missing}\n`);
    pgRows = [`| PostGIS \`ST_Contains\` + GiST | — | skipped | — |`];
    pgNote = avail.missing;
    goal20 = 'not measured (PostGIS missing)';
  } else {
    const r = await runPostgis(avail.bin, coded, pts, ours);
    const x = (v: number) => `${(fast.best / v).toFixed(0)}×`;
    pgRows = [
      `| PostGIS, one query per point (prepared statement, 1 connection over TCP, sequential) | ${fmt(PER_POINT_QUERIES)} | ${fmt(r.perPoint)} | ${x(r.perPoint)} |`,
      `| PostGIS, batched: \`unnest\` of ${fmt(BATCH)} points per query \`LEFT JOIN LATERAL\` the GiST-indexed cells, codes returned | ${fmt(POSTGIS_POINTS)} | ${fmt(r.batched)} | ${x(r.batched)} |`,
      `| PostGIS, batched as above but \`count(*)\` only (server-side work, no rows sent back) | ${fmt(POSTGIS_POINTS)} | ${fmt(r.batchedCount)} | ${x(r.batchedCount)} |`,
      `| PostGIS, bulk: points loaded into a table with a GiST index of their own, then \`pts JOIN cells ON ST_Contains\`, count only (loading and indexing not timed) | ${fmt(POSTGIS_POINTS)} | ${fmt(r.tableJoin)} | ${x(r.tableJoin)} |`,
      `| PostGIS, bulk as above returning (point, code) rows | ${fmt(POSTGIS_POINTS)} | ${fmt(r.tableJoinRows)} | ${x(r.tableJoinRows)} |`,
      `| PostGIS, bulk as above including loading the points and building their GiST index | ${fmt(POSTGIS_POINTS)} | ${fmt(r.tableLoadAndIndex)} | ${x(r.tableLoadAndIndex)} |`,
    ];
    pgNote = `${r.version}, PostGIS ${r.postgisVersion}; throw-away cluster (fsync off, shared_buffers 256 MB, JIT off, no parallel workers: one core like ours); GiST index on the cells built in ${fmt(r.gistBuildMs)} ms. Bulk join plan: ${r.tablePlan}. Agreement: ${fmt(r.agree.same)} of ${fmt(r.agree.of)} per-point answers equal ours.`;
    const online = Math.max(r.perPoint, r.batched, r.batchedCount);
    const bulk = Math.max(r.tableJoin, r.tableJoinRows, r.tableLoadAndIndex);
    goal20 =
      `${(fast.best / online).toFixed(0)}× the per-point and unnest-batched queries (the brief's comparison) — ${fast.best / online >= 20 ? 'met' : 'not met'}; ` +
      `but only ${(fast.best / bulk).toFixed(1)}× PostGIS's bulk join over points pre-loaded into an indexed table (polygon at a time), which answers a different question (assigning a stored point set at once, not routing points as they come) — against that plan the 20× goal is ${fast.best / bulk >= 20 ? 'met' : 'not met'}`;
  }

  const layer = await seedAndLayer();
  return [
    '## Point → grid lookups (routing)',
    '',
    `${fmt(cells.length)} demo cells (~100 m quadrilaterals, 7 × 7 km around 34.72° N, 113.73° E), ${fmt(POINTS)} random points uniform over the district (seeded, the same points for every method; ${fmt(hits)} fall in a cell). Ours runs in this Node process on one thread; each rate is lookups per second of wall time, best of ${RUNS} runs after a warm-up (median in brackets) and, for ours, per CPU-second. The machine's 1-minute load average when the run began was ${load.toFixed(1)} on ${os.cpus().length} CPUs${load > 1 ? ' (other work was running: the medians are lower than the best runs)' : ''}.`,
    '',
    '| method | points | lookups/s | ours ÷ this |',
    '|---|---|---|---|',
    `| **ours**: flatbush R-tree walk + float point-in-polygon with an exact error filter, robust-point-in-polygon when undecided | ${fmt(POINTS)} | **${fmt(fast.best)}** (${fmt(fast.median)}); ${fmt(fast.cpu)} per CPU-s | 1× |`,
    `| ours, library calls only: \`Flatbush#search\` + robust-point-in-polygon for every candidate | ${fmt(POINTS)} | ${fmt(simple.best)} (${fmt(simple.median)}); ${fmt(simple.cpu)} per CPU-s | ${(fast.best / simple.best).toFixed(1)}× |`,
    ...pgRows,
    '',
    `- Index build for ${fmt(cells.length)} cells: ${buildMs.toFixed(0)} ms. The two ways of ours disagree on ${disagree} of 100,000 points (they must not).`,
    `- Goal ≥ 1 M lookups/s on one core: ${fast.best >= 1_000_000 ? 'met' : 'not met'} (${fmt(fast.best)}). Goal ≥ 20× PostGIS: ${goal20}.`,
    `- PostGIS: ${pgNote}`,
    '',
    ...layer,
    '',
  ].join('\n');
}
