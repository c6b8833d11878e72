// Ids and the clock: injectable so tests can control them.
import { randomUUID, randomBytes, createHash } from 'node:crypto';
import type { IndicatorType } from './types.ts';

export type IdGenerator = (prefix: string) => string;
export type Clock = () => Date;

/** Random, URL-safe, prefixed id such as `sub_3f9c…`. */
export const newId: IdGenerator = (prefix) => `${prefix}_${randomBytes(12).toString('base64url')}`;

export const systemClock: Clock = () => new Date();

export function uuid(): string {
  return randomUUID();
}

/** Deterministic indicator id from type and normalised value. */
export function indicatorId(type: IndicatorType, value: string): string {
  return 'ind_' + createHash('sha256').update(`${type}\u0000${value}`).digest('hex').slice(0, 32);
}
