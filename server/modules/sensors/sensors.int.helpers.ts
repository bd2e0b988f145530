/**
 * Helpers for the sensors integration tests and the ingest benchmark: HJ 212 frames as devices send them,
 * a TCP device that collects the replies, and registering sites and monitors directly.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { sql } from 'drizzle-orm';
import { type Executor, rowsOf } from '../../db/client.ts';
import {
  type CrcKind,
  createRecord,
  formatChinaTime,
  type Hj212Frame,
  Hj212Framer,
  type PollutantValues,
  parseFrame,
  serialise,
} from './hj212/index.ts';
import * as repo from './sensors.ingest.repo.ts';

export interface FrameSpec {
  mn: string;
  pw?: string;
  cn?: string;
  st?: string;
  /** DataTime (epoch ms); also the QN unless `qn` is given. */
  at: number;
  qn?: number;
  /** Flag (default 5: HJ 212-2017, ack wanted). */
  flag?: number;
  values?: Record<string, number | PollutantValues>;
  crc?: CrcKind;
}

/** A frame on the wire (with `\r\n`). */
export function frame(spec: FrameSpec): string {
  const pollutants = createRecord<PollutantValues>();
  for (const [code, v] of Object.entries(spec.values ?? {}))
    pollutants[code] = typeof v === 'number' ? { rtd: v, flag: 'N', flagKnown: true } : v;
  const qn = formatChinaTime(spec.qn ?? spec.at, true);
  const f: Hj212Frame = {
    qn,
    st: spec.st ?? '39',
    cn: spec.cn ?? '2011',
    pw: spec.pw ?? '123456',
    mn: spec.mn,
    flag: spec.flag ?? 5,
    extra: createRecord<string>(),
    cp: { dataTime: spec.at, pollutants, other: createRecord<string>(), multi: createRecord<string[]>() },
    crcKind: spec.crc ?? 'hj212',
    quirks: [],
  };
  return serialise(f);
}

/** A device on a TCP connection: writes bytes, parses what comes back. */
export class TestDevice {
  readonly socket: net.Socket;
  readonly replies: Hj212Frame[] = [];
  readonly closed: Promise<void>;
  private readonly framer = new Hj212Framer();
  private waiters: { n: number; resolve: () => void }[] = [];
  isClosed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const item of this.framer.push(chunk)) {
        if (item.type !== 'frame') continue;
        const r = parseFrame(item.bytes, { allowModbusCrc: true });
        if (!r.ok) throw new Error(`unparseable reply: ${item.bytes.toString('latin1')} (${r.error.code})`);
        this.replies.push(r.frame);
      }
      this.wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true;
        this.wake();
        resolve();
      }),
    );
  }

  static connect(port: number, host = '127.0.0.1'): Promise<TestDevice> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(new TestDevice(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (this.replies.length >= w.n || this.isClosed) {
        w.resolve();
        return false;
      }
      return true;
    });
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (err) => (err ? reject(err) : resolve())));
  }

  /** Write in pieces of the given sizes (cycled), yielding to the event loop between them. */
  async trickle(data: string | Buffer, sizes: number[]): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    let i = 0;
    let k = 0;
    while (i < buf.length) {
      const n = Math.max(1, sizes[k++ % sizes.length] as number);
      await this.write(buf.subarray(i, i + n));
      i += n;
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Wait until `n` replies have arrived (or the connection closed); throws after `ms`. */
  async waitReplies(n: number, ms = 15_000): Promise<Hj212Frame[]> {
    if (this.replies.length < n && !this.isClosed) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.waiters.push({ n, resolve })),
        new Promise<void>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`waited ${ms} ms for ${n} replies, have ${this.replies.length}`)),
            ms,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    }
    return this.replies;
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export async function demoTenantId(db: Executor): Promise<string> {
  const id = await repo.tenantIdByCode(db, 'jkq');
  if (!id) throw new Error('demo tenant missing');
  return id;
}

export interface NewSite {
  code: string;
  type?: 'demolition' | 'municipal' | 'building' | 'road' | 'other';
  lat?: number;
  lng?: number;
  /** The unit registered as answering for the site. */
  unitId?: string | null;
}

/** Register a site (in the demo district unless told otherwise); returns its id. */
export async function addSite(db: Executor, tenantId: string, s: NewSite, now: Date): Promise<string> {
  const id = randomUUID();
  await db.transaction(async (tx) =>
    repo.insertSites(tx, [
      {
        tenantId,
        id,
        code: s.code,
        name: `测试工地 ${s.code}`,
        siteType: s.type ?? 'building',
        address: `测试地址 ${s.code}`,
        lat: s.lat ?? 34.72,
        lng: s.lng ?? 113.73,
        builder: '测试施工单位',
        unitId: s.unitId ?? null,
        createdAt: now,
        updatedAt: now,
      },
    ]),
  );
  return id;
}

export interface NewDevice {
  mn: string;
  siteId?: string | null;
  password?: string | null;
  allowModbusCrc?: boolean;
  scale?: Record<string, number>;
  intervalSeconds?: number;
  enabled?: boolean;
}

export async function addDevice(db: Executor, tenantId: string, d: NewDevice, now: Date): Promise<string> {
  const id = randomUUID();
  await repo.insertDevices(db, [
    {
      tenantId,
      id,
      mn: d.mn,
      siteId: d.siteId ?? null,
      name: `测试设备 ${d.mn}`,
      password: d.password === undefined ? '123456' : d.password,
      allowModbusCrc: d.allowModbusCrc ?? false,
      scale: d.scale ?? {},
      intervalSeconds: d.intervalSeconds ?? 60,
      enabled: d.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    },
  ]);
  return id;
}

/** Rows of an ad-hoc query (tests only read with it). */
export async function query<T>(db: Executor, q: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.execute(q));
}

/**
 * The stored readings one row per pollutant (sensor_values unfolded), with the columns the readings table had:
 * tenant_id, device_id, pollutant, kind, at, value, min, max, flag, claimed_at. Use as `from ${READINGS} r`.
 */
export const READINGS = sql`(select v.tenant_id, v.device_id, r.key as pollutant, v.kind, v.at,
    (r.value->>0)::float8 as value, (r.value->>2)::float8 as min, (r.value->>3)::float8 as max,
    r.value->>1 as flag, v.claimed_at
  from sensor_values v cross join lateral jsonb_each(v.readings) as r)`;

export { sql };
