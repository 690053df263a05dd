/**
 * Event document ids. A fresh event is `event:{timestamp}:{seq}{random}`: it sorts by time, and the
 * per-process counter keeps one replica's events of the same millisecond in publish order.
 *
 * An event with a dedupe key is `event:{type}:{dedupeKey}`, with no timestamp: replicas that notice the same
 * change at slightly different times must still produce the same id, or the store could not refuse the
 * second write. The type is part of it, so two kinds of event sharing a key never collide.
 * Order never comes from ids: listings sort on the `timestamp` field.
 */
import { randomBytes } from 'node:crypto';
import type { EventType } from '@graphium/shared';

let sequence = 0;

export function freshEventId(timestamp: string): string {
  sequence = (sequence + 1) % 36 ** 6;
  return `event:${timestamp}:${sequence.toString(36).padStart(6, '0')}${randomBytes(6).toString('base64url')}`;
}

export function dedupedEventId(type: EventType, dedupeKey: string): string {
  return `event:${type}:${dedupeKey}`;
}
