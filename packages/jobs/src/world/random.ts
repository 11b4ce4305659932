import { sql, type SQL } from 'drizzle-orm';

/**
 * A deterministic integer in [0, 2^32) from a non-negative integer SQL expression and a salt, computed by the
 * database so that generating or ticking a large world never streams rows through Node. Plain bigint
 * arithmetic (a multiply-xorshift hash), so a PostgreSQL server and PGlite agree bit for bit.
 */
export function mix(expr: SQL | string, salt: number | SQL): SQL {
  const input = typeof expr === 'string' ? sql.raw(expr) : expr;
  if (typeof salt === 'number' && !Number.isSafeInteger(salt)) throw new Error(`mix: salt must be an integer (got ${salt}).`);
  // An integer salt is inlined: the expression repeats its input, and parameters would repeat with it.
  const s = typeof salt === 'number' ? sql.raw(String(salt)) : salt;
  // The input is folded below 2^31 first so that the multiply cannot overflow a bigint.
  const a = sql`(((${input})::bigint % 2147483648) * 2654435761 + (${s})::bigint) % 4294967296`;
  const b = sql`((((${a}) # ((${a}) >> 16)) * 73244475) % 4294967296)`;
  return sql`((${b}) # ((${b}) >> 16))`;
}
