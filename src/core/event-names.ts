/**
 * Event names. They are the event socket's contract, so they keep FreeSWITCH's
 * spelling exactly: an ESL client subscribes with these strings.
 */
export const EVENT_NAMES = [
  'CUSTOM',
  'CHANNEL_CREATE',
  'CHANNEL_DESTROY',
  'CHANNEL_STATE',
  'CHANNEL_CALLSTATE',
  'CHANNEL_ANSWER',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_OUTGOING',
  'CHANNEL_PARK',
  'CHANNEL_UNPARK',
  'CHANNEL_ORIGINATE',
  'DTMF',
  'API',
  'BACKGROUND_JOB',
  'HEARTBEAT',
  'MODULE_LOAD',
  'MODULE_UNLOAD',
  'RELOADXML',
  'STARTUP',
  'SHUTDOWN',
  'LOG',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

const NAME_SET: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isEventName(s: string): s is EventName {
  return NAME_SET.has(s);
}
