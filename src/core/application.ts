/**
 * Applications: what a dialplan extension runs on a channel (answer, set, park,
 * bridge, ...). An application runs in CS_EXECUTE, may take as long as it needs,
 * and must return promptly once the channel's hangup signal aborts.
 */
import type { Session } from './session.js';

export interface ApplicationFlags {
  /** Safe to run inline while the dialplan is hunting (`inline="true"`). */
  inline?: boolean;
}

export interface Application {
  readonly name: string;
  readonly description: string;
  readonly syntax: string;
  readonly flags?: ApplicationFlags;
  run(session: Session, data: string): Promise<void> | void;
}

/** One step of an extension: an application name and its argument text. */
export interface ApplicationCall {
  app: string;
  data: string;
}

/** The result of routing: the applications to run, or nothing when no route matched. */
export interface Extension {
  name: string;
  applications: ApplicationCall[];
}

/** A dialplan finds an extension for a channel in CS_ROUTING. */
export interface Dialplan {
  readonly name: string;
  hunt(session: Session, arg: string): Promise<Extension | undefined> | Extension | undefined;
}
