/**
 * The headers every channel event carries, in FreeSWITCH's order
 * (switch_channel_event_set_data): channel state, then the caller profile
 * under `Caller-`, then timestamps, then every variable as `variable_<name>`.
 */
import type { Channel } from './channel.js';
import { CALL_STATE_NUMBER, CHANNEL_STATE_NUMBER } from './channel-state.js';
import { callerProfileHeaders } from './caller-profile.js';

function answerState(ch: Channel): string {
  if (!ch.up) return 'hangup';
  if (ch.answered) return 'answered';
  if (ch.times.progressMedia > 0) return 'early';
  if (ch.times.progress > 0) return 'ringing';
  return 'ringing';
}

function micros(ms: number): string {
  return String(ms * 1000);
}

export function channelEventHeaders(ch: Channel): [string, string][] {
  const h: [string, string][] = [
    ['Channel-State', ch.state],
    ['Channel-Call-State', ch.callState],
    ['Channel-State-Number', String(CHANNEL_STATE_NUMBER[ch.state])],
    ['Channel-Call-State-Number', String(CALL_STATE_NUMBER[ch.callState])],
    ['Channel-Name', ch.name],
    ['Unique-ID', ch.uuid],
    ['Call-Direction', ch.direction],
    ['Presence-Call-Direction', ch.direction],
    ['Channel-Call-UUID', ch.variables.get('call_uuid') ?? ch.uuid],
    ['Answer-State', answerState(ch)],
  ];
  if (ch.application !== '') {
    h.push(['Channel-Application', ch.application]);
  }
  if (ch.hangupCause !== undefined) h.push(['Hangup-Cause', ch.hangupCause]);
  h.push(['Caller-Direction', ch.direction]);
  h.push(...callerProfileHeaders(ch.profile, 'Caller'));
  const t = ch.times;
  h.push(
    ['Caller-Profile-Created-Time', micros(t.profileCreated)],
    ['Caller-Channel-Created-Time', micros(t.created)],
    ['Caller-Channel-Answered-Time', micros(t.answered)],
    ['Caller-Channel-Progress-Time', micros(t.progress)],
    ['Caller-Channel-Progress-Media-Time', micros(t.progressMedia)],
    ['Caller-Channel-Hangup-Time', micros(t.hungup)],
    ['Caller-Channel-Transfer-Time', micros(t.transfer)],
  );
  if (ch.bridgedTo !== undefined) h.push(['Other-Leg-Unique-ID', ch.bridgedTo]);
  for (const [k, v] of ch.variables.entries()) h.push([`variable_${k}`, v]);
  return h;
}
