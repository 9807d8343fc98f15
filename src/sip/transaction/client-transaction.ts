/**
 * The client transactions (RFC 3261 §17.1): INVITE (timers A, B, D; the ACK
 * for a non-2xx final response is ours to send, §17.1.1.3) and non-INVITE
 * (timers E, F, K). Retransmissions happen only on UDP; on TCP and TLS timers
 * D and K are zero (§17.1.1.2, §17.1.2.2).
 */
import { formatVia, SipRequest, type SipResponse } from '../messages/index.js';
import { type SendTarget, type SentInfo, TransportError } from '../transport/index.js';
import { Transaction, type TransactionContext } from './transaction-base.js';
import { TransactionState } from './transaction-state.js';

export interface ClientTransactionHandlers {
  /** Every response the TU should see: provisionals, and the first copy of the final one. */
  onResponse?: (res: SipResponse, tx: ClientTransaction) => void;
  /** Timer B or F fired with no final response (§8.1.3.1: as if a 408 had come). */
  onTimeout?: (tx: ClientTransaction) => void;
  /** The request could not be sent (§8.1.3.1: as if a 503 had come). */
  onTransportError?: (err: TransportError, tx: ClientTransaction) => void;
  onTerminated?: (tx: ClientTransaction) => void;
}

/** The ACK for a non-2xx final response to `invite` (§17.1.1.3). */
export function buildNon2xxAck(invite: SipRequest, res: SipResponse): SipRequest {
  const ack = new SipRequest('ACK', invite.ruri);
  const via = invite.via;
  if (via !== undefined) ack.addHeader('Via', formatVia(via));
  ack.addHeader('Max-Forwards', '70');
  for (const name of ['From', 'Call-ID']) {
    const v = invite.getHeader(name);
    if (v !== undefined) ack.addHeader(name, v);
  }
  const to = res.getHeader('To');
  if (to !== undefined) ack.addHeader('To', to);
  ack.addHeader('CSeq', `${invite.cseq?.seq ?? 1} ACK`);
  for (const route of invite.getHeaders('Route')) ack.addHeader('Route', route);
  return ack;
}

export class ClientTransaction extends Transaction {
  /** Where the request actually went (after resolution and any UDP→TCP switch). */
  flow: SentInfo | undefined;
  /** The last final response, once there is one. */
  finalResponse: SipResponse | undefined;
  private interval: number;
  private ack: SipRequest | undefined;

  constructor(
    key: string,
    request: SipRequest,
    private readonly target: SendTarget,
    ctx: TransactionContext,
    private readonly handlers: ClientTransactionHandlers,
  ) {
    super(
      request.method === 'INVITE' ? 'client-invite' : 'client-non-invite',
      key,
      request,
      request.method === 'INVITE' ? TransactionState.Calling : TransactionState.Trying,
      ctx,
    );
    this.interval = ctx.timers.T1;
  }

  private get isInvite(): boolean {
    return this.kind === 'client-invite';
  }

  /** Sends the request and starts timer B or F (and A or E once the transport is known to be UDP). */
  start(): void {
    const { T1 } = this.ctx.timers;
    if (this.isInvite) this.timerSet.start('B', 64 * T1, () => this.timeout());
    else this.timerSet.start('F', 64 * T1, () => this.timeout());
    this.ctx.transport.sendRequest(this.request, this.target).then(
      (info) => {
        this.flow = info;
        if (info.reliable || this.terminated) return;
        if (this.state === TransactionState.Calling) this.timerSet.start('A', T1, () => this.retransmit());
        if (this.state === TransactionState.Trying || this.state === TransactionState.Proceeding)
          this.timerSet.start('E', T1, () => this.retransmit());
      },
      (err: unknown) => this.transportError(err),
    );
  }

  private flowTarget(): SendTarget {
    const flow = this.flow;
    return flow === undefined
      ? this.target
      : { host: flow.address, port: flow.port, transport: flow.transport };
  }

  private send(req: SipRequest): void {
    this.ctx.transport.sendRequest(req, this.flowTarget()).catch((err: unknown) => this.transportError(err));
  }

  private retransmit(): void {
    if (this.terminated) return;
    this.send(this.request);
    const { T2 } = this.ctx.timers;
    if (this.isInvite) {
      // Timer A doubles without a cap (§17.1.1.2); timer B ends it.
      this.interval *= 2;
      this.timerSet.start('A', this.interval, () => this.retransmit());
    } else {
      // Timer E doubles up to T2, and is T2 once a provisional has come (§17.1.2.2).
      this.interval = this.state === TransactionState.Proceeding ? T2 : Math.min(this.interval * 2, T2);
      this.timerSet.start('E', this.interval, () => this.retransmit());
    }
  }

  /** A response matched to this transaction by the layer. */
  receiveResponse(res: SipResponse): void {
    if (this.terminated) return;
    if (this.isInvite) this.inviteResponse(res);
    else this.nonInviteResponse(res);
  }

  private inviteResponse(res: SipResponse): void {
    const state = this.state;
    if (state === TransactionState.Completed) {
      // A retransmitted final response: answer with the same ACK, tell the TU nothing.
      if (res.status >= 300 && this.ack !== undefined) this.send(this.ack);
      return;
    }
    if (res.status < 200) {
      this.timerSet.stop('A');
      this.timerSet.stop('B');
      this.moveTo(TransactionState.Proceeding);
      this.notify(this.handlers.onResponse, res, this);
    } else if (res.status < 300) {
      // §17.1.1.2: a 2xx ends the transaction; the TU ACKs it and absorbs its retransmissions.
      this.finalResponse = res;
      this.notify(this.handlers.onResponse, res, this);
      this.moveTo(TransactionState.Terminated);
    } else {
      this.finalResponse = res;
      this.timerSet.stop('A');
      this.timerSet.stop('B');
      this.ack = buildNon2xxAck(this.request, res);
      this.send(this.ack);
      this.moveTo(TransactionState.Completed);
      this.notify(this.handlers.onResponse, res, this);
      const d = this.flow?.reliable === true ? 0 : this.ctx.timers.D;
      this.timerSet.start('D', d, () => this.moveTo(TransactionState.Terminated));
    }
  }

  private nonInviteResponse(res: SipResponse): void {
    const state = this.state;
    if (state === TransactionState.Completed) return;
    if (res.status < 200) {
      this.moveTo(TransactionState.Proceeding);
      this.notify(this.handlers.onResponse, res, this);
      return;
    }
    this.finalResponse = res;
    this.timerSet.stop('E');
    this.timerSet.stop('F');
    this.moveTo(TransactionState.Completed);
    this.notify(this.handlers.onResponse, res, this);
    const k = this.flow?.reliable === true ? 0 : this.ctx.timers.T4;
    this.timerSet.start('K', k, () => this.moveTo(TransactionState.Terminated));
  }

  private timeout(): void {
    if (this.terminated) return;
    this.moveTo(TransactionState.Terminated);
    this.notify(this.handlers.onTimeout, this);
  }

  private transportError(err: unknown): void {
    if (this.terminated) return;
    // A lost ACK for a non-2xx is recovered by the retransmitted final response; it is not fatal.
    if (this.state === TransactionState.Completed) return;
    const error = err instanceof TransportError ? err : new TransportError(String(err), { cause: err });
    this.moveTo(TransactionState.Terminated);
    this.notify(this.handlers.onTransportError, error, this);
  }

  protected onTerminated(): void {
    this.notify(this.handlers.onTerminated, this);
  }
}
