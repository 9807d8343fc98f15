/**
 * The small part of modesl (a CommonJS package without types) that the event
 * socket tests use against the server.
 */
declare module 'modesl' {
  import type { EventEmitter } from 'node:events';

  namespace esl {
    class Event {
      getHeader(name: string): string | null;
      getBody(): string;
      getType(): string;
      serialize(format?: string): string;
    }

    class Connection extends EventEmitter {
      constructor(host: string, port: number, password: string, ready?: () => void);
      api(command: string, args: string, cb: (res: Event) => void): void;
      api(command: string, cb: (res: Event) => void): void;
      bgapi(command: string, args: string, cb: (res: Event) => void): void;
      events(format: 'plain' | 'json' | 'xml', events: string, cb?: (res: Event) => void): void;
      subscribe(events: string | string[], cb?: (res: Event) => void): void;
      filter(header: string, value: string, cb?: (res: Event) => void): void;
      sendRecv(command: string, cb?: (res: Event) => void): void;
      /** Sends `command` followed by one `name: value` line per header. */
      sendRecv(command: string, headers: Record<string, string> | null, cb?: (res: Event) => void): void;
      execute(app: string, arg: string, uuid: string, cb?: (res: Event) => void): string;
      execute(app: string, arg: string, cb?: (res: Event) => void): string;
      /** Outbound mode: the CHANNEL_DATA the server got in reply to `connect`. */
      getInfo(): Event | null;
      disconnect(): void;
      connected(): boolean;
      on(event: string, listener: (...args: unknown[]) => void): this;
      once(event: string, listener: (...args: unknown[]) => void): this;
    }

    /** An outbound event socket server: each call's connection arrives as `connection::ready`. */
    class Server extends EventEmitter {
      constructor(opts: { port?: number; host?: string; myevents?: boolean }, ready?: () => void);
      close(cb?: () => void): void;
      on(event: string, listener: (...args: unknown[]) => void): this;
    }
  }

  const esl: {
    Connection: typeof esl.Connection;
    Event: typeof esl.Event;
    Server: typeof esl.Server;
  };
  export default esl;
}
