/**
 * Session lookups with a short in-process memory, revoked on every instance at once.
 *
 * Why: the lookup in PostgreSQL was ~0.85 ms of a ~2.2 ms overview request on an idle machine, the
 * largest single part of it (bench/api.bench.ts, "where the time goes"). A dashboard polls every few
 * seconds with the same cookie, so the same row is read again and again.
 *
 * Guarantee kept: a session that ends (sign-out, rotation at sign-in) or whose user is disabled, has
 * its role changed or its password reset, stops working at once on every instance, not after the TTL:
 * - `revokeUser(userId)` / `revokeToken(token)` drop local entries synchronously and publish the
 *   revocation on Redis; every instance's subscriber drops its entries when it arrives.
 * - The cache is used only while this instance's subscriber is connected and subscribed: a lost
 *   connection could lose a revocation, so from the moment it drops, every request reads PostgreSQL
 *   again and the cache is emptied; it comes back into use once the subscription is restored.
 * - A lookup that was in flight while any revocation arrived is not stored (an epoch counter), so a
 *   row read just before the change cannot be cached after it.
 * Callers change the database first, then revoke.
 *
 * States: off (subscriber not subscribed: every lookup reads PostgreSQL) ⇄ on (entries live up to
 * `ttlMs`, at most `maxEntries`, oldest dropped first).
 */
import { createHash } from 'node:crypto';
import type { Database } from '@bullpen/db';
import { createRedis, type RedisClient, type RedisTarget } from '@bullpen/jobs';
import type { Logger } from 'pino';
import { findSession, type Session } from './sessions.js';

export interface SessionCacheOptions {
  db: Database;
  /** Where Redis is (the runtime's own target: a node, a cluster or Sentinel). */
  redis: RedisTarget;
  /** A connection that may publish (the runtime's producer connection): a subscriber cannot. */
  publisher: RedisClient;
  /** Queue prefix: the revocation channel lives under it, like everything else Bullpen writes. */
  prefix: string;
  logger: Logger;
  /** How long a looked-up session is reused. Default 10 000 ms. */
  ttlMs?: number;
  /** Most sessions kept. Default 10 000. */
  maxEntries?: number;
}

type Revocation = { userId: number } | { sessionId: string };

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export class SessionCache {
  private readonly entries = new Map<string, { session: Session | undefined; until: number }>();
  private readonly subscriber: RedisClient;
  private readonly channel: string;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private subscribed = false;
  /** Bumped on every revocation and connection loss: lookups that straddle one are not stored. */
  private epoch = 0;

  constructor(private readonly options: SessionCacheOptions) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.channel = `${options.prefix}:bullpen:session-revocations`;
    this.subscriber = createRedis(options.redis, 'worker', { connectionName: `${options.prefix}:session-revocations` });
    this.subscriber.on('error', (err) => options.logger.debug({ err: err.message }, 'session revocation subscriber error'));
    this.subscriber.on('close', () => this.off());
    this.subscriber.on('end', () => this.off());
    // ioredis re-subscribes by itself after a reconnect; `ready` follows that (and the first subscribe).
    this.subscriber.on('ready', () => void this.subscribe());
    this.subscriber.on('message', (_channel: string, message: string) => this.apply(message));
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      this.subscribed = this.subscriber.status === 'ready';
    } catch {
      this.off();
    }
  }

  private off(): void {
    this.subscribed = false;
    this.epoch += 1;
    this.entries.clear();
  }

  private apply(message: string): void {
    let revocation: Revocation;
    try {
      revocation = JSON.parse(message) as Revocation;
    } catch {
      return;
    }
    this.epoch += 1;
    if ('sessionId' in revocation) this.entries.delete(revocation.sessionId);
    else for (const [id, entry] of this.entries) if (entry.session?.userId === revocation.userId) this.entries.delete(id);
  }

  /** True while revocations reach this instance, so lookups are cached. */
  get active(): boolean {
    return this.subscribed;
  }

  /** The live session for a cookie token, or undefined. */
  async find(token: string): Promise<Session | undefined> {
    if (!token || token.length > 200) return undefined;
    if (!this.subscribed) return findSession(this.options.db, token);
    const id = digest(token);
    const now = Date.now();
    const hit = this.entries.get(id);
    if (hit && hit.until > now) return hit.session && hit.session.expiresAt.getTime() > now ? hit.session : undefined;
    const epoch = this.epoch;
    const session = await findSession(this.options.db, token);
    // Only sessions are kept (not misses): an unknown cookie must not push real sessions out.
    if (session && this.subscribed && epoch === this.epoch) {
      this.entries.delete(id);
      this.entries.set(id, { session, until: Math.min(Date.now() + this.ttlMs, session.expiresAt.getTime()) });
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return session;
  }

  /**
   * Ends the cached sessions of a user on every instance. Call after disabling the user, changing
   * their role or resetting their password (once the database says so).
   */
  revokeUser(userId: number): Promise<void> {
    return this.revoke({ userId });
  }

  /** Ends the cached session of one cookie token on every instance (sign-out, rotation). */
  revokeToken(token: string): Promise<void> {
    return this.revoke({ sessionId: digest(token) });
  }

  private async revoke(revocation: Revocation): Promise<void> {
    this.apply(JSON.stringify(revocation));
    // A failed publish may leave another instance's entry for up to the TTL: stop caching here too
    // and say so loudly, since the guarantee rests on it.
    try {
      await this.options.publisher.publish(this.channel, JSON.stringify(revocation));
    } catch (err) {
      this.options.logger.error({ err: (err as Error).message }, 'could not publish a session revocation; other instances may honour the session for up to the cache TTL');
      throw err;
    }
  }

  /** Releases the subscriber connection. */
  close(): void {
    this.off();
    this.subscriber.disconnect();
  }
}
