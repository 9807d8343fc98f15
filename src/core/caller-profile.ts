/**
 * The caller profile: who is calling whom, and where the call is routed. Field
 * names follow FreeSWITCH's switch_caller_profile_t, because dialplan conditions
 * (`field="destination_number"`) and event headers (`Caller-Destination-Number`)
 * name them.
 */
export interface CallerProfile {
  username: string;
  dialplan: string;
  caller_id_name: string;
  caller_id_number: string;
  orig_caller_id_name: string;
  orig_caller_id_number: string;
  callee_id_name: string;
  callee_id_number: string;
  network_addr: string;
  ani: string;
  aniii: string;
  rdnis: string;
  destination_number: string;
  source: string;
  context: string;
  uuid: string;
  chan_name: string;
}

export type CallerProfileField = keyof CallerProfile;

export const CALLER_PROFILE_FIELDS: readonly CallerProfileField[] = [
  'username',
  'dialplan',
  'caller_id_name',
  'caller_id_number',
  'orig_caller_id_name',
  'orig_caller_id_number',
  'callee_id_name',
  'callee_id_number',
  'network_addr',
  'ani',
  'aniii',
  'rdnis',
  'destination_number',
  'source',
  'context',
  'uuid',
  'chan_name',
];

export function isCallerProfileField(s: string): s is CallerProfileField {
  return (CALLER_PROFILE_FIELDS as readonly string[]).includes(s);
}

export function newCallerProfile(init: Partial<CallerProfile> = {}): CallerProfile {
  const p: CallerProfile = {
    username: '',
    dialplan: 'XML',
    caller_id_name: '',
    caller_id_number: '',
    orig_caller_id_name: '',
    orig_caller_id_number: '',
    callee_id_name: '',
    callee_id_number: '',
    network_addr: '',
    ani: '',
    aniii: '',
    rdnis: '',
    destination_number: '',
    source: '',
    context: 'default',
    uuid: '',
    chan_name: '',
    ...init,
  };
  if (p.ani === '') p.ani = p.caller_id_number;
  if (p.orig_caller_id_name === '') p.orig_caller_id_name = p.caller_id_name;
  if (p.orig_caller_id_number === '') p.orig_caller_id_number = p.caller_id_number;
  return p;
}

/** Event header suffixes for each field, as FreeSWITCH spells them after `Caller-`. */
const HEADER_NAMES: Readonly<Record<CallerProfileField, string>> = {
  username: 'Username',
  dialplan: 'Dialplan',
  caller_id_name: 'Caller-ID-Name',
  caller_id_number: 'Caller-ID-Number',
  orig_caller_id_name: 'Orig-Caller-ID-Name',
  orig_caller_id_number: 'Orig-Caller-ID-Number',
  callee_id_name: 'Callee-ID-Name',
  callee_id_number: 'Callee-ID-Number',
  network_addr: 'Network-Addr',
  ani: 'ANI',
  aniii: 'ANI-II',
  rdnis: 'RDNIS',
  destination_number: 'Destination-Number',
  source: 'Source',
  context: 'Context',
  uuid: 'Unique-ID',
  chan_name: 'Channel-Name',
};

/** `[header, value]` pairs for a profile under a prefix (`Caller`, `Other-Leg`). */
export function callerProfileHeaders(p: CallerProfile, prefix = 'Caller'): [string, string][] {
  const out: [string, string][] = [];
  for (const f of CALLER_PROFILE_FIELDS) out.push([`${prefix}-${HEADER_NAMES[f]}`, p[f]]);
  return out;
}
