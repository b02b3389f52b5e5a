import { createHash } from 'node:crypto';

/**
 * Statements kept prepared on each PostgreSQL connection (docs/database.md "Prepared hot
 * statements"). A statement is planned when it is parsed; the lifecycle's CTEs take about 1 ms to
 * plan and well under that to run, so planning them on every call was most of their cost. A text
 * registered here is sent with a fixed name (`mm_` and a hash of the text): pg parses it once per
 * connection and then only binds and executes it, and PostgreSQL reuses its plan (a generic plan
 * after five custom ones, when it costs no more). Only constant texts are registered, so each
 * connection holds a bounded set; a text that is not registered is sent unnamed, as before.
 */
const names = new Map<string, string>();

/** Registers `sql` (a constant text) to be kept prepared; returns it unchanged. */
export function prepared(sql: string): string {
  if (!names.has(sql)) names.set(sql, `mm_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`);
  return sql;
}

/** The name `sql` is prepared under, or undefined for an unnamed (planned every time) statement. */
export function preparedName(sql: string): string | undefined {
  return names.get(sql);
}
