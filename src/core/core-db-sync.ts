/**
 * Keeps the core database in step with the event bus, as FreeSWITCH's core
 * event handler does: channel events become rows in `channels`, bridges (and
 * loopback pairs) become rows in `calls`, module loads become rows in `modules`
 * and `interfaces`. The writes are queued; the database commits them in
 * batches, so an event never waits on disk.
 */
import type { Core } from './core.js';
import type { TswEvent } from './event.js';
import type { ChannelRow } from '../db/columns.js';
import type { InterfaceType } from '../db/columns.js';
import { formatLocalDate } from './event-bus.js';

function h(ev: TswEvent, name: string): string {
  return ev.getHeader(name) ?? '';
}

function channelRow(ev: TswEvent): ChannelRow {
  const created = Math.floor(Number(h(ev, 'Caller-Channel-Created-Time')) / 1000);
  return {
    uuid: h(ev, 'Unique-ID'),
    direction: h(ev, 'Call-Direction'),
    created: formatLocalDate(new Date(created)),
    created_epoch: Math.floor(created / 1000),
    name: h(ev, 'Channel-Name'),
    state: h(ev, 'Channel-State'),
    cid_name: h(ev, 'Caller-Caller-ID-Name'),
    cid_num: h(ev, 'Caller-Caller-ID-Number'),
    ip_addr: h(ev, 'Caller-Network-Addr'),
    dest: h(ev, 'Caller-Destination-Number'),
    dialplan: h(ev, 'Caller-Dialplan'),
    context: h(ev, 'Caller-Context'),
    callstate: h(ev, 'Channel-Call-State'),
    call_uuid: h(ev, 'Channel-Call-UUID'),
    initial_cid_name: h(ev, 'Caller-Caller-ID-Name'),
    initial_cid_num: h(ev, 'Caller-Caller-ID-Number'),
    initial_ip_addr: h(ev, 'Caller-Network-Addr'),
    initial_dest: h(ev, 'Caller-Destination-Number'),
    initial_dialplan: h(ev, 'Caller-Dialplan'),
    initial_context: h(ev, 'Caller-Context'),
  };
}

/**
 * The a leg of a loopback pair, when `ev` creates its b leg. The two legs are
 * one call seen from both ends, so they share a `calls` row and `show calls`
 * prints them side by side, as it does a bridged pair.
 */
function loopbackALeg(ev: TswEvent): string | undefined {
  if (ev.getHeader('variable_loopback_leg') !== 'B') return undefined;
  return ev.getHeader('variable_other_loopback_leg_uuid') || undefined;
}

export function attachCoreDbSync(core: Core): () => void {
  const db = core.db;
  const unobserve = core.modules.observe({
    loaded: (m) => db.insertModule({ ikey: m.name, filename: m.name, description: m.description }),
    unloaded: (name) => db.deleteModule(name),
  });
  const sub = core.bus.subscribe((ev) => {
    const uuid = ev.getHeader('Unique-ID');
    switch (ev.name) {
      case 'CHANNEL_CREATE': {
        db.insertChannel(channelRow(ev));
        const a = loopbackALeg(ev);
        if (uuid && a) db.insertCall({ call_uuid: a, caller_uuid: a, callee_uuid: uuid });
        break;
      }
      case 'CHANNEL_STATE':
        if (uuid && ev.getHeader('Channel-State') !== 'CS_DESTROY') {
          db.updateChannel(uuid, {
            state: h(ev, 'Channel-State'),
            dest: h(ev, 'Caller-Destination-Number'),
            context: h(ev, 'Caller-Context'),
            dialplan: h(ev, 'Caller-Dialplan'),
            cid_name: h(ev, 'Caller-Caller-ID-Name'),
            cid_num: h(ev, 'Caller-Caller-ID-Number'),
          });
        }
        break;
      case 'CHANNEL_CALLSTATE':
        if (uuid) db.updateChannel(uuid, { callstate: h(ev, 'Channel-Call-State') });
        break;
      case 'CHANNEL_EXECUTE':
        if (uuid) {
          db.updateChannel(uuid, {
            application: h(ev, 'Application'),
            application_data: h(ev, 'Application-Data'),
          });
        }
        break;
      case 'CHANNEL_BRIDGE': {
        const other = ev.getHeader('Other-Leg-Unique-ID');
        if (uuid && other) db.insertCall({ call_uuid: uuid, caller_uuid: uuid, callee_uuid: other });
        break;
      }
      case 'CHANNEL_UNBRIDGE':
        if (uuid) db.deleteCall(uuid);
        break;
      case 'CHANNEL_DESTROY':
        if (uuid) {
          db.deleteCall(uuid);
          db.deleteChannel(uuid);
        }
        break;
      case 'MODULE_LOAD':
        db.insertInterface({
          type: h(ev, 'type') as InterfaceType,
          name: h(ev, 'name'),
          ikey: h(ev, 'key'),
          description: h(ev, 'description'),
          filename: h(ev, 'filename'),
          syntax: h(ev, 'syntax'),
        });
        break;
      case 'MODULE_UNLOAD':
        db.deleteInterfaces(h(ev, 'key'));
        break;
      default:
        break;
    }
  });
  return () => {
    sub.unsubscribe();
    unobserve();
  };
}
