/**
 * The event bus. Producers fire {@link TswEvent}s; the bus stamps the common
 * headers (core UUID, host, dates, sequence) and hands each event to every
 * subscriber. A subscriber that throws is logged and skipped: one broken
 * consumer never stops delivery to the others.
 */
import { TswEvent } from './event.js';
import type { EventName } from './event-names.js';

export type EventListener = (event: TswEvent) => void;

export interface EventBusIdentity {
  coreUuid: string;
  hostname: string;
  switchname: string;
  ipv4: string;
  ipv6: string;
}

export interface Subscription {
  unsubscribe(): void;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `YYYY-MM-DD hh:mm:ss` in local time, as Event-Date-Local shows it. */
export function formatLocalDate(d: Date): string {
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private sequence = 0;
  private readonly onListenerError: (err: unknown, event: TswEvent) => void;

  constructor(
    private readonly identity: EventBusIdentity,
    options: { now?: () => number; onListenerError?: (err: unknown, event: TswEvent) => void } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.onListenerError = options.onListenerError ?? (() => undefined);
  }

  private readonly now: () => number;

  /** A new event with this core's identity headers already stamped. */
  create(name: EventName, subclass?: string): TswEvent {
    const ev = new TswEvent(name, subclass);
    const id = this.identity;
    const ms = this.now();
    const d = new Date(ms);
    ev.addHeader('Core-UUID', id.coreUuid)
      .addHeader('FreeSWITCH-Hostname', id.hostname)
      .addHeader('FreeSWITCH-Switchname', id.switchname)
      .addHeader('FreeSWITCH-IPv4', id.ipv4)
      .addHeader('FreeSWITCH-IPv6', id.ipv6)
      .addHeader('Event-Date-Local', formatLocalDate(d))
      .addHeader('Event-Date-GMT', d.toUTCString())
      .addHeader('Event-Date-Timestamp', String(ms * 1000));
    return ev;
  }

  /** Stamps the sequence number and delivers the event to every subscriber. */
  fire(event: TswEvent): void {
    this.sequence += 1;
    event.addHeader('Event-Sequence', String(this.sequence));
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        try {
          this.onListenerError(err, event);
        } catch {
          // The error reporter itself failed; delivery still goes on.
        }
      }
    }
  }

  subscribe(listener: EventListener): Subscription {
    this.listeners.add(listener);
    return { unsubscribe: () => this.listeners.delete(listener) };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
