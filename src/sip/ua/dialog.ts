/**
 * A SIP dialog (RFC 3261 §12): the peer-to-peer relationship an INVITE sets
 * up, identified by Call-ID, local tag and remote tag. It keeps what every
 * in-dialog request needs: the local and remote CSeq numbers, the remote
 * target (the peer's Contact) and the route set (Record-Route), and it builds
 * those requests (§12.2.1.1) and checks incoming ones (§12.2.2).
 *
 * ```
 *   early ──2xx / ACK──> confirmed ──BYE──> terminated
 *     └──────── non-2xx final / CANCEL ───────┘
 * ```
 */
import { TswError } from '../../core/errors.js';
import {
  formatNameAddr,
  formatUri,
  parseNameAddr,
  SipRequest,
  type SipResponse,
  type Uri,
} from '../messages/index.js';
import type { SendTarget, TransportProtocol } from '../transport/index.js';
import { targetOfUri } from './uri-target.js';

export enum DialogState {
  Early = 'early',
  Confirmed = 'confirmed',
  Terminated = 'terminated',
}

const MOVES: Readonly<Record<DialogState, readonly DialogState[]>> = {
  [DialogState.Early]: [DialogState.Confirmed, DialogState.Terminated],
  [DialogState.Confirmed]: [DialogState.Terminated],
  [DialogState.Terminated]: [],
};

export interface DialogInit {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our From (UAC) or To (UAS) value without the tag. */
  localParty: string;
  remoteParty: string;
  localSeq: number;
  remoteSeq: number | undefined;
  remoteTarget: Uri;
  /** Route values in the order our requests must carry them. */
  routeSet: string[];
  /** Our Contact header value. */
  localContact: string;
  /** The transport the dialog runs over (used when a URI names none). */
  transport: TransportProtocol;
}

/** A From/To value without its tag parameter. */
function withoutTag(value: string): string {
  const na = parseNameAddr(value, 'From/To');
  na.params.delete('tag');
  return formatNameAddr(na);
}

export class Dialog {
  readonly callId: string;
  readonly localTag: string;
  remoteTag: string;
  readonly localParty: string;
  readonly remoteParty: string;
  localSeq: number;
  remoteSeq: number | undefined;
  remoteTarget: Uri;
  readonly routeSet: string[];
  readonly localContact: string;
  readonly transport: TransportProtocol;
  private current = DialogState.Early;

  constructor(init: DialogInit) {
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.localParty = init.localParty;
    this.remoteParty = init.remoteParty;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.localContact = init.localContact;
    this.transport = init.transport;
  }

  /** The UAS side of a dialog created by `req` (§12.1.1): route set in Record-Route order. */
  static asUas(
    req: SipRequest,
    localTag: string,
    localContact: string,
    transport: TransportProtocol,
  ): Dialog {
    const contact = req.contact;
    return new Dialog({
      callId: req.callId ?? '',
      localTag,
      remoteTag: req.from?.tag ?? '',
      localParty: withoutTag(req.getHeader('To') ?? ''),
      remoteParty: withoutTag(req.getHeader('From') ?? ''),
      localSeq: 0,
      remoteSeq: req.cseq?.seq,
      remoteTarget: contact?.uri ?? req.ruri,
      routeSet: req.getHeaders('Record-Route'),
      localContact,
      transport,
    });
  }

  /** The UAC side of a dialog created by a response to `req` (§12.1.2): route set reversed. */
  static asUac(
    req: SipRequest,
    res: SipResponse,
    localContact: string,
    transport: TransportProtocol,
  ): Dialog {
    return new Dialog({
      callId: req.callId ?? '',
      localTag: req.from?.tag ?? '',
      remoteTag: res.to?.tag ?? '',
      localParty: withoutTag(req.getHeader('From') ?? ''),
      remoteParty: withoutTag(req.getHeader('To') ?? ''),
      localSeq: req.cseq?.seq ?? 1,
      remoteSeq: undefined,
      remoteTarget: res.contact?.uri ?? req.ruri,
      routeSet: res.getHeaders('Record-Route').reverse(),
      localContact,
      transport,
    });
  }

  get state(): DialogState {
    return this.current;
  }

  /** Moves the state machine; throws TSW_ERR_STATE on a move the diagram does not have. */
  transition(to: DialogState): void {
    if (to === this.current) return;
    if (!MOVES[this.current].includes(to)) {
      throw new TswError('TSW_ERR_STATE', `dialog ${this.callId}: cannot move from ${this.current} to ${to}`);
    }
    this.current = to;
  }

  /** `callId;local;remote`, the key dialogs are found by. */
  get id(): string {
    return dialogKey(this.callId, this.localTag, this.remoteTag);
  }

  /**
   * Checks a request received in the dialog (§12.2.2): a CSeq lower than the
   * last one is out of order (the UAS answers 500). Updates the remote CSeq and,
   * for a target refresh (re-INVITE), the remote target.
   */
  receiveRequest(req: SipRequest): boolean {
    const seq = req.cseq?.seq;
    if (seq === undefined) return false;
    if (req.method !== 'ACK' && req.method !== 'CANCEL') {
      if (this.remoteSeq !== undefined && seq < this.remoteSeq) return false;
      this.remoteSeq = seq;
    }
    if (req.method === 'INVITE') {
      const c = req.contact;
      if (c !== undefined) this.remoteTarget = c.uri;
    }
    return true;
  }

  /** A request within the dialog (§12.2.1.1). ACK reuses the INVITE's CSeq number. */
  createRequest(method: string, opts: { cseq?: number } = {}): SipRequest {
    let seq = opts.cseq;
    if (seq === undefined) {
      this.localSeq += 1;
      seq = this.localSeq;
    }
    const { ruri, routes } = this.requestUriAndRoutes();
    const req = new SipRequest(method, ruri);
    req.addHeader('Max-Forwards', '70');
    req.addHeader('From', `${this.localParty};tag=${this.localTag}`);
    req.addHeader('To', `${this.remoteParty};tag=${this.remoteTag}`);
    req.addHeader('Call-ID', this.callId);
    req.addHeader('CSeq', `${seq} ${method}`);
    for (const r of routes) req.addHeader('Route', r);
    if (method === 'INVITE' || method === 'UPDATE') req.addHeader('Contact', this.localContact);
    return req;
  }

  /**
   * Where an in-dialog request goes (§8.1.2, §12.2.1.1): the first Route when
   * there is a route set, else the remote target.
   */
  nextHop(): SendTarget {
    const first = this.routeSet[0];
    const uri = first === undefined ? this.remoteTarget : parseNameAddr(first, 'Route').uri;
    return targetOfUri(uri, this.transport);
  }

  /** Loose routing keeps the remote target as R-URI; a strict first hop becomes the R-URI (§12.2.1.1). */
  private requestUriAndRoutes(): { ruri: Uri; routes: string[] } {
    const first = this.routeSet[0];
    if (first === undefined) return { ruri: this.remoteTarget, routes: [] };
    const firstUri = parseNameAddr(first, 'Route').uri;
    if (firstUri.kind !== 'sip' || firstUri.params.has('lr')) {
      return { ruri: this.remoteTarget, routes: [...this.routeSet] };
    }
    return {
      ruri: firstUri,
      routes: [...this.routeSet.slice(1), `<${formatUri(this.remoteTarget)}>`],
    };
  }
}

export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId};${localTag};${remoteTag}`;
}
