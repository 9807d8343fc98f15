/**
 * What a profile knows about one SIP call leg, inbound (UAS) or outbound
 * (UAC). The profile finds legs by channel UUID and by dialog id, and hands
 * them the requests and responses that belong to their dialog.
 */
import type { ChannelMessage } from '../../core/endpoint.js';
import type { HangupCause } from '../../core/hangup-cause.js';
import type { Session } from '../../core/session.js';
import type { SipRequest, SipResponse } from '../../sip/messages/index.js';
import type { ServerTransaction } from '../../sip/transaction/index.js';
import type { InDialog } from './in-dialog.js';

export interface SipCallLeg {
  readonly session: Session;
  /** In-dialog behaviour (re-INVITE, REFER, session timers), once the leg has a dialog. */
  readonly inDialog?: InDialog | undefined;
  /** The core asks the leg to ring, pre-answer or answer. */
  onMessage(msg: ChannelMessage): boolean;
  /** The channel is hanging up: send the final response, CANCEL or BYE. */
  kill(cause: HangupCause): void;
  /** BYE, INFO, re-INVITE and the like received in the dialog. */
  onDialogRequest(req: SipRequest, tx: ServerTransaction): void;
  /** An ACK for our 2xx (inbound legs). */
  onAck?(ack: SipRequest): void;
  /** A CANCEL for the INVITE (inbound legs). */
  onCancel?(cancel: SipRequest, tx: ServerTransaction): void;
  /** A 2xx that arrived after the INVITE transaction ended (outbound legs). */
  onStray2xx?(res: SipResponse): void;
}

/** The Reason header for a hangup cause (RFC 3326). */
export function reasonHeader(code: number, cause: string): string {
  return `Q.850;cause=${code};text="${cause}"`;
}

/** Methods we answer, for Allow headers. */
export const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, REGISTER, REFER, NOTIFY';
