/**
 * The only reader of process.env. Parses once with zod; an invalid value ends the process with one
 * line naming the variable, so a misconfigured deployment fails before it touches any data.
 */
import { z } from 'zod';

const ROLE_NAMES = ['api', 'worker', 'sensors'] as const;
export type ProcessRole = (typeof ROLE_NAMES)[number];

const bool = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

const ZEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  TZ: z
    .string()
    .default('Asia/Shanghai')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'is not a known IANA time zone'),
  ROLES: z
    .string()
    .default('api,worker,sensors')
    .transform((s) =>
      s
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(ROLE_NAMES)).min(1, 'must name at least one of api, worker, sensors')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO: bool.optional(),
  ADMIN_PASSWORD: z.string().min(1).optional(),
  TENANT_CODE: z
    .string()
    .regex(/^[a-z0-9_-]{2,32}$/, 'must be 2–32 lowercase letters, digits, - or _')
    .default('jkq'),
  TENANT_NAME: z.string().min(1).default('经开区'),
  COOKIE_SECURE: bool.default(false),
  TRUST_PROXY: bool.default(false),
  SENSORS_PORT: z.coerce.number().int().min(0).max(65535).default(9212),
  /** Where the HJ 212 listener binds (default: HOST). Field devices need a public address, e.g. 0.0.0.0. */
  SENSORS_HOST: z.string().min(1).optional(),
  /** Open connections allowed per remote address (a data logger may carry several monitors). */
  SENSORS_MAX_CONN_PER_IP: z.coerce.number().int().min(1).max(10_000).default(20),
  /** A connection silent this long is closed (devices reconnect). */
  SENSORS_IDLE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Largest frame (and so bytes buffered) per connection; a frame declaring more closes the connection. */
  SENSORS_MAX_BUFFER_BYTES: z.coerce.number().int().min(256).max(16_384).default(8192),
  /** Device time (DataTime) this far ahead of the receive time is a wrong clock: flagged 'skewed'. */
  SENSORS_MAX_SKEW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** Device time this far behind is a wrong clock too (older backlog uploads are not believed). */
  SENSORS_MAX_PAST_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 366)
    .default(24 * 7),
  /** Raw frames (evidence) are deleted after this many days. */
  SENSOR_FRAME_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** A monitor offline this long (from when it went offline) opens a case for its site. */
  SENSOR_OFFLINE_CASE_AFTER_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 30)
    .default(120),
  WEB_DIST: z.string().default('web/dist'),
  /** Optional raster base map (Tianditu, Amap …): an XYZ template with {z}, {x} and {y}. Unset = offline vector background. */
  MAP_TILE_URL: z
    .string()
    .regex(
      /^https?:\/\/.*\{z\}.*\{x\}.*\{y\}|^https?:\/\/.*\{z\}.*\{y\}.*\{x\}/,
      'must be an http(s) URL template containing {z}, {x} and {y}',
    )
    .optional(),
  MAP_TILE_ATTRIBUTION: z.string().max(200).optional(),
  /** Intake suggests open cases of the same category this close (metres) and this recent (hours). */
  CASE_DUPLICATE_RADIUS_M: z.coerce.number().int().min(1).max(5000).default(50),
  CASE_DUPLICATE_WINDOW_H: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  /** A case where the same category was closed within this many days is a 反弹 (recurrence). */
  CASE_RECURRENCE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
});

export type Config = Omit<z.infer<typeof ZEnv>, 'DEMO'> & { DEMO: boolean; engine: 'pglite' | 'postgres' };

/** Parse an environment (process.env by default). Throws ConfigError naming the first bad variable. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const r = ZEnv.safeParse(env);
  if (!r.success) {
    const issue = r.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${name} ${issue?.message ?? 'is invalid'}`);
  }
  const engine = r.data.DATABASE_URL ? 'postgres' : 'pglite';
  // Demo data defaults on only for the embedded database: a real server should not get demo accounts by accident.
  const DEMO = r.data.DEMO ?? engine === 'pglite';
  return { ...r.data, DEMO, engine };
}

export class ConfigError extends Error {}

/** Parse process.env or exit with one clear line. */
export function loadConfig(): Config {
  try {
    return parseConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}
