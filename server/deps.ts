/** What services need from the outside world, passed explicitly (no globals): config, database, clock, log. */
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import type { Clock } from './lib/clock.ts';

export interface Deps {
  config: Config;
  database: Database;
  clock: Clock;
  log: Logger;
}

/** Where a request came from; recorded in audit events. */
export interface RequestMeta {
  ip: string | null;
  requestId: string | null;
  userAgent?: string | null;
}
