/**
 * Event ids. A fresh event is `event:{timestamp}:{seq}{random}`: it sorts by time, and the per-process
 * counter keeps one replica's events of the same millisecond in publish order. The pages that store them
 * (couchEventLog.ts) are named the same way, `events:{timestamp}:{seq}{random}`.
 *
 * An event with a dedupe key is `event:{type}:{dedupeKey}`, with no timestamp: replicas that notice the same
 * change at slightly different times must still produce the same id, so that readers can tell it is one
 * event however many replicas stored it. The type is part of it, so two kinds of event sharing a key never
 * collide.
 * Order never comes from ids: listings sort on the `timestamp` field.
 */
import { randomBytes } from 'node:crypto';
import type { EventType } from '@graphium/shared';

let sequence = 0;

function timeOrderedId(prefix: string, timestamp: string): string {
  sequence = (sequence + 1) % 36 ** 6;
  return `${prefix}:${timestamp}:${sequence.toString(36).padStart(6, '0')}${randomBytes(6).toString('base64url')}`;
}

export function freshEventId(timestamp: string): string {
  return timeOrderedId('event', timestamp);
}

/** The id of a stored page of events whose newest is at `timestamp`. */
export function eventPageId(timestamp: string): string {
  return timeOrderedId('events', timestamp);
}

export function dedupedEventId(type: EventType, dedupeKey: string): string {
  return `event:${type}:${dedupeKey}`;
}
