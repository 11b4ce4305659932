// Server-sent events for live dashboards. One poller per process, running only while someone listens,
// reads the queue statistics (cost grows with the number of queues, not jobs) and sends an event when
// they change; every listener shares it, so ten open dashboards cost what one does. Alerts for the
// in-app feed arrive on a Redis pub/sub channel (any instance's delivery job publishes them) and go
// out at once as `alert` events.
//
// States: idle (no listeners, no timer) → polling (a timer chain while listeners exist) → idle when
// the last one leaves; closed by dispose(), which ends every stream.
import type { Request, Response } from 'express';
import { createRedis, type JobRuntime, type RedisClient, type RedisTarget } from '@bullpen/jobs';
import type { Logger } from 'pino';
import { isRedisUnavailable } from './http/api-error.js';

const KEEPALIVE_MS = 15_000;

export class QueueEventStream {
  private readonly clients = new Set<Response>();
  private timer: NodeJS.Timeout | undefined;
  private lastState = '';
  private lastEvent: string | undefined;
  private lastSentAt = 0;
  private closed = false;
  private inFlight = false;

  private alertSubscriber: RedisClient | undefined;

  constructor(
    private readonly runtime: JobRuntime,
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
    /** The in-app alert feed: its pub/sub channel, whose messages are relayed as `alert` events, and where Redis is. */
    private readonly alertFeed?: { channel: string; redis: RedisTarget },
  ) {}

  /** Subscribes to the alert feed once, on the first listener, for the life of the stream. */
  private listenForAlerts(): void {
    if (!this.alertFeed || this.alertSubscriber || this.closed) return;
    // A worker-kind connection waits out Redis restarts (and resubscribes) instead of failing fast like the producer.
    const subscriber = createRedis(this.alertFeed.redis, 'worker');
    this.alertSubscriber = subscriber;
    subscriber.on('error', (err) => this.log.debug({ err }, 'alert feed subscriber error'));
    subscriber.on('message', (_channel: string, message: string) => this.broadcast(`event: alert\ndata: ${message}\n\n`));
    subscriber.subscribe(this.alertFeed.channel).catch((err: unknown) => this.log.warn({ err }, 'could not subscribe to the alert feed'));
  }

  get listeners(): number {
    return this.clients.size;
  }

  subscribe(req: Request, res: Response): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 5000\n\n');
    if (this.lastEvent) res.write(this.lastEvent);
    this.clients.add(res);
    req.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stop();
    });
    if (!this.timer && !this.inFlight) this.schedule(0);
    this.listenForAlerts();
  }

  private schedule(delay: number): void {
    if (this.closed || this.clients.size === 0) return;
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private broadcast(frame: string): void {
    for (const client of this.clients) client.write(frame);
    this.lastSentAt = Date.now();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.inFlight = true;
    try {
      const stats = await this.runtime.stats();
      const queues = stats.map((s) => ({ name: s.queue, counts: s.counts, paused: s.paused, oldestWaitingMs: s.oldestWaitingMs }));
      const state = JSON.stringify(queues.map(({ oldestWaitingMs: _o, ...rest }) => rest));
      if (state !== this.lastState) {
        this.lastState = state;
        // Statistics only today, but anything shown to every viewer passes the masker.
        this.lastEvent = `event: queues\ndata: ${JSON.stringify(this.runtime.masker.value({ queues, at: Date.now() }))}\n\n`;
        this.broadcast(this.lastEvent);
      } else if (Date.now() - this.lastSentAt > KEEPALIVE_MS) {
        this.broadcast(': keepalive\n\n');
      }
    } catch (err) {
      if (!isRedisUnavailable(err)) this.log.warn({ err }, 'queue event poll failed');
      if (this.lastState !== 'unavailable') {
        this.lastState = 'unavailable';
        this.lastEvent = undefined;
        this.broadcast(`event: unavailable\ndata: ${JSON.stringify({ code: 'REDIS_UNAVAILABLE', at: Date.now() })}\n\n`);
      }
    } finally {
      this.inFlight = false;
      this.schedule(this.intervalMs);
    }
  }

  dispose(): void {
    this.closed = true;
    this.stop();
    this.alertSubscriber?.disconnect();
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}
