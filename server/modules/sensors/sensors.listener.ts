/**
 * The HJ 212 TCP listener (sensors role). Each connection has its own framer (bounded buffer), idle timer
 * and in-flight limit; frames go through the ingest pipeline in arrival order and are acknowledged only once
 * stored. What one connection sends — garbage, oversize frames, a flood, acks it never reads — costs only
 * that connection: it is paused or closed, the others carry on.
 *
 * Closing a connection, by reason (metric gridcommand_sensor_connection_events_total):
 * - limit: more than maxConnectionsPerAddress open from one address (refused at accept);
 * - idle: nothing received for idleMs;
 * - oversize: a frame declaring more than maxFrameBytes (the framer never buffers it);
 * - garbage: more than maxGarbageBytes of noise and unusable frames (bad CRC, wrong PW …) without a usable one;
 * - slow_reader: more than maxPendingWriteBytes of our replies unread (beyond what the kernel buffers);
 * - peer / error / shutdown.
 * Backpressure: a connection with maxInflightPerConnection frames waiting to be stored stops being read
 * until half are stored; when the shared write queue is full, every connection stops being read.
 */
import net from 'node:net';
import type { Deps } from '../../deps.ts';
import { type FramerItem, Hj212Framer } from './hj212/index.ts';
import { type Classified, type QueueOptions, SensorIngest, sensorMetrics } from './sensors.ingest.ts';

export interface SensorListenerOptions {
  port: number;
  /** Default config.SENSORS_HOST, else config.HOST. */
  host?: string;
  maxConnectionsPerAddress?: number;
  idleMs?: number;
  maxFrameBytes?: number;
  /** Frames of one connection waiting to be stored before we stop reading it (default 2000). */
  maxInflightPerConnection?: number;
  /** Bytes of noise and unusable frames without a usable frame before the connection is closed (default 64 KiB). */
  maxGarbageBytes?: number;
  /** Reply bytes the device leaves unread (beyond the kernel's buffers) before it is closed (default 1 MiB). */
  maxPendingWriteBytes?: number;
  queue?: QueueOptions;
}

export interface SensorListener {
  readonly port: number;
  readonly host: string;
  readonly ingest: SensorIngest;
  /** Open connections now. */
  connections(): number;
  /** Stop accepting, store what was received, send its acks, close the connections. */
  close(): Promise<void>;
}

type CloseReason = 'idle' | 'oversize' | 'garbage' | 'slow_reader' | 'peer' | 'error' | 'shutdown';

interface Conn {
  socket: net.Socket;
  address: string;
  framer: Hj212Framer;
  /** Frames handed to the write queue and not stored yet. */
  inflight: number;
  /** Frames waiting for a device lookup (kept in order behind `chain`). */
  waiting: number;
  chain: Promise<void>;
  garbage: number;
  closed: boolean;
  paused: boolean;
  corked: boolean;
}

function addressOf(socket: net.Socket): string {
  const a = socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** Start the HJ 212 listener on `opts.port` (0 = any free port). */
export async function startSensorListener(deps: Deps, opts: SensorListenerOptions): Promise<SensorListener> {
  const { config, log } = deps;
  const host = opts.host ?? config.SENSORS_HOST ?? config.HOST;
  const maxPerAddress = opts.maxConnectionsPerAddress ?? config.SENSORS_MAX_CONN_PER_IP;
  const idleMs = opts.idleMs ?? config.SENSORS_IDLE_SECONDS * 1000;
  const maxFrameBytes = opts.maxFrameBytes ?? config.SENSORS_MAX_BUFFER_BYTES;
  const maxInflight = Math.max(1, opts.maxInflightPerConnection ?? 2000);
  const maxGarbage = opts.maxGarbageBytes ?? 64 * 1024;
  const maxPendingWrite = opts.maxPendingWriteBytes ?? 1024 * 1024;

  const ingest = new SensorIngest(deps, { queue: opts.queue });
  const conns = new Set<Conn>();
  const perAddress = new Map<string, number>();
  let globalPause = false;
  let stopping = false;

  const updateFlow = (c: Conn) => {
    if (c.closed) return;
    const read = !stopping && !globalPause && c.inflight < (c.paused ? maxInflight / 2 : maxInflight);
    if (read && c.paused) {
      c.paused = false;
      c.socket.resume();
    } else if (!read && !c.paused) {
      c.paused = true;
      c.socket.pause();
    }
  };
  const offPressure = ingest.onPressure((high) => {
    globalPause = high;
    for (const c of conns) updateFlow(c);
  });

  const closeConn = (c: Conn, reason: CloseReason) => {
    if (c.closed) return;
    c.closed = true;
    sensorMetrics.connectionEvents.inc({ event: `closed_${reason}` });
    if (reason !== 'peer' && reason !== 'shutdown')
      log.info({ address: c.address, reason }, 'HJ 212 connection closed');
    // Ending (not destroying) lets the replies already written reach the device.
    if (reason === 'shutdown' || reason === 'peer') c.socket.end();
    else c.socket.destroy();
  };

  const enqueue = (c: Conn, r: Classified, size: number) => {
    // Frames that could not be used count like garbage: a connection sending nothing usable is closed.
    if (r.verdict === 'rejected' || r.verdict === 'unattributed') {
      c.garbage += size;
      if (c.garbage > maxGarbage) closeConn(c, 'garbage');
    } else c.garbage = 0;
    if (!r.item) return;
    c.inflight++;
    if (c.inflight >= maxInflight) updateFlow(c);
    const ack = r.ack;
    const ackCn = r.ackCn;
    void ingest.submit(r.item).then((stored) => {
      c.inflight--;
      if (stored && ack !== null && !c.socket.destroyed && c.socket.writable) {
        // The acks of one stored batch arrive together: send them in one write.
        if (!c.corked) {
          c.corked = true;
          c.socket.cork();
          process.nextTick(() => {
            c.corked = false;
            c.socket.uncork();
            if (c.socket.writableLength > maxPendingWrite) closeConn(c, 'slow_reader');
          });
        }
        c.socket.write(ack);
        sensorMetrics.acks.inc({ cn: ackCn ?? '' });
      }
      if (c.paused) updateFlow(c);
    });
  };

  const onFrame = (c: Conn, bytes: Buffer, receivedAt: number) => {
    if (c.waiting === 0) {
      const r = ingest.classify(bytes, receivedAt, c.address);
      if (!(r instanceof Promise)) {
        enqueue(c, r, bytes.length);
        return;
      }
      c.waiting++;
      c.chain = r.then(
        (x) => {
          c.waiting--;
          enqueue(c, x, bytes.length);
        },
        (err) => {
          c.waiting--;
          log.error({ err, address: c.address }, 'HJ 212 frame classification failed');
        },
      );
      return;
    }
    // Behind a lookup in progress: keep this connection's order.
    c.waiting++;
    c.chain = c.chain.then(async () => {
      try {
        enqueue(c, await ingest.classify(bytes, receivedAt, c.address), bytes.length);
      } catch (err) {
        log.error({ err, address: c.address }, 'HJ 212 frame classification failed');
      } finally {
        c.waiting--;
      }
    });
  };

  const onItem = (c: Conn, item: FramerItem, receivedAt: number) => {
    if (item.type === 'frame') {
      onFrame(c, item.bytes, receivedAt);
      return;
    }
    if (item.type === 'oversize') {
      sensorMetrics.rejected.inc({ reason: 'OVERSIZE' });
      log.info(
        { address: c.address, declared: item.frameBytes, max: item.maxFrameBytes },
        'HJ 212 frame larger than allowed',
      );
      closeConn(c, 'oversize');
      return;
    }
    sensorMetrics.garbage.inc({ reason: item.reason }, item.bytes);
    c.garbage += item.bytes;
    if (c.garbage > maxGarbage) closeConn(c, 'garbage');
  };

  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const address = addressOf(socket);
    const open = perAddress.get(address) ?? 0;
    if (stopping || open >= maxPerAddress) {
      sensorMetrics.connectionEvents.inc({ event: stopping ? 'refused_shutdown' : 'refused_limit' });
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    perAddress.set(address, open + 1);
    sensorMetrics.connectionEvents.inc({ event: 'accepted' });
    sensorMetrics.connections.inc();
    socket.setNoDelay(true);
    const c: Conn = {
      socket,
      address,
      framer: new Hj212Framer({ maxFrameBytes }),
      inflight: 0,
      waiting: 0,
      chain: Promise.resolve(),
      garbage: 0,
      closed: false,
      paused: false,
      corked: false,
    };
    conns.add(c);
    socket.setTimeout(idleMs, () => closeConn(c, 'idle'));
    socket.on('data', (chunk: Buffer) => {
      if (c.closed) return;
      const receivedAt = deps.clock.now().getTime();
      for (const item of c.framer.push(chunk)) {
        onItem(c, item, receivedAt);
        if (c.closed) return;
      }
    });
    socket.on('error', (err) => {
      log.debug({ err, address }, 'HJ 212 socket error');
      closeConn(c, 'error');
    });
    socket.on('end', () => {
      // The device half-closed: answer what it sent, then close our side.
      void c.chain.then(() => ingest.drain()).then(() => closeConn(c, 'peer'));
    });
    socket.on('close', () => {
      for (const item of c.framer.end())
        if (item.type === 'garbage') sensorMetrics.garbage.inc({ reason: item.reason }, item.bytes);
      if (!c.closed) {
        c.closed = true;
        sensorMetrics.connectionEvents.inc({ event: 'closed_peer' });
      }
      conns.delete(c);
      sensorMetrics.connections.dec();
      const n = (perAddress.get(address) ?? 1) - 1;
      if (n <= 0) perAddress.delete(address);
      else perAddress.set(address, n);
    });
    updateFlow(c);
  });
  server.on('error', (err) => log.error({ err }, 'HJ 212 listener error'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  log.info({ host, port }, 'HJ 212 listener started');

  let closing: Promise<void> | null = null;
  return {
    port,
    host,
    ingest,
    connections: () => conns.size,
    close: () => {
      closing ??= (async () => {
        stopping = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const c of conns) updateFlow(c);
        // Everything already read: classified, stored, acknowledged.
        await Promise.all([...conns].map((c) => c.chain));
        await ingest.close();
        offPressure();
        for (const c of conns) closeConn(c, 'shutdown');
        const forced = setTimeout(() => {
          for (const c of conns) c.socket.destroy();
        }, 2000);
        await closed;
        clearTimeout(forced);
        log.info({ port }, 'HJ 212 listener stopped');
      })();
      return closing;
    },
  };
}
