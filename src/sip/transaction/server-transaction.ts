/**
 * The server transactions (RFC 3261 §17.2): INVITE (timers G, H, I) and
 * non-INVITE (timer J). They absorb retransmitted requests by sending the last
 * response again. An INVITE transaction ends on a 2xx (§17.2.1): from then on
 * the TU retransmits the 2xx (see {@link TwoHundredRetransmitter}) and gets the
 * ACK itself.
 */
import { TswError } from '../../core/errors.js';
import { createResponse, type SipRequest, type SipResponse } from '../messages/index.js';
import { type MessageSource, TransportError } from '../transport/index.js';
import { Transaction, type TransactionContext } from './transaction-base.js';
import { TransactionState } from './transaction-state.js';

export interface ServerTransactionHandlers {
  /** Timer H fired: the ACK for our non-2xx final response never came (§17.2.1). */
  onTimeout?: (tx: ServerTransaction) => void;
  /** A response could not be sent (§17.2.4). */
  onTransportError?: (err: TransportError, tx: ServerTransaction) => void;
  /** The ACK for a non-2xx final response arrived. */
  onAck?: (ack: SipRequest, tx: ServerTransaction) => void;
  onTerminated?: (tx: ServerTransaction) => void;
}

export abstract class ServerTransaction extends Transaction {
  /** The last response sent, provisional or final. */
  lastResponse: SipResponse | undefined;
  protected handlers: ServerTransactionHandlers = {};

  protected constructor(
    kind: 'server-invite' | 'server-non-invite',
    key: string,
    request: SipRequest,
    initial: TransactionState,
    /** Where the request came from; responses go back this way (§18.2.2). */
    readonly source: MessageSource,
    ctx: TransactionContext,
  ) {
    super(kind, key, request, initial, ctx);
  }

  get reliable(): boolean {
    return this.source.transport !== 'UDP';
  }

  setHandlers(handlers: ServerTransactionHandlers): void {
    this.handlers = handlers;
  }

  /** A response to this request with `status`, built per §8.2.6 (To tag added for > 100). */
  createResponse(status: number, reason?: string, toTag?: string): SipResponse {
    return createResponse(this.request, status, reason, toTag === undefined ? undefined : { toTag });
  }

  protected send(res: SipResponse): void {
    this.ctx.transport.sendResponse(res, this.source).catch((err: unknown) => {
      if (this.terminated) return;
      const error = err instanceof TransportError ? err : new TransportError(String(err), { cause: err });
      this.moveTo(TransactionState.Terminated);
      this.notify(this.handlers.onTransportError, error, this);
    });
  }

  protected refuse(status: number): never {
    throw new TswError(
      'TSW_ERR_STATE',
      `${this.kind} transaction in state ${this.state} cannot send a ${status} response`,
    );
  }

  protected onTerminated(): void {
    this.notify(this.handlers.onTerminated, this);
  }

  /** Sends a response from the TU. */
  abstract respond(res: SipResponse): void;
  /** A retransmission of the request (or, for INVITE, the ACK) matched to this transaction. */
  abstract receiveRequest(req: SipRequest): void;
}

export class ServerInviteTransaction extends ServerTransaction {
  private interval: number;

  constructor(key: string, request: SipRequest, source: MessageSource, ctx: TransactionContext) {
    super('server-invite', key, request, TransactionState.Proceeding, source, ctx);
    this.interval = ctx.timers.T1;
  }

  respond(res: SipResponse): void {
    if (this.state !== TransactionState.Proceeding) this.refuse(res.status);
    this.lastResponse = res;
    this.send(res);
    if (res.status < 200) return;
    if (res.status < 300) {
      this.moveTo(TransactionState.Terminated);
      return;
    }
    const { T1 } = this.ctx.timers;
    this.moveTo(TransactionState.Completed);
    if (!this.reliable) this.timerSet.start('G', T1, () => this.retransmitFinal());
    this.timerSet.start('H', 64 * T1, () => this.noAck());
  }

  receiveRequest(req: SipRequest): void {
    if (req.method === 'ACK') {
      if (this.state !== TransactionState.Completed) return;
      this.timerSet.stop('G');
      this.timerSet.stop('H');
      this.moveTo(TransactionState.Confirmed);
      this.notify(this.handlers.onAck, req, this);
      const i = this.reliable ? 0 : this.ctx.timers.T4;
      this.timerSet.start('I', i, () => this.moveTo(TransactionState.Terminated));
      return;
    }
    // A retransmitted INVITE: the last response again, provisional or final (§17.2.1).
    if (
      (this.state === TransactionState.Proceeding || this.state === TransactionState.Completed) &&
      this.lastResponse !== undefined
    ) {
      this.send(this.lastResponse);
    }
  }

  private retransmitFinal(): void {
    if (this.state !== TransactionState.Completed || this.lastResponse === undefined) return;
    this.send(this.lastResponse);
    this.interval = Math.min(this.interval * 2, this.ctx.timers.T2);
    this.timerSet.start('G', this.interval, () => this.retransmitFinal());
  }

  private noAck(): void {
    if (this.terminated) return;
    this.moveTo(TransactionState.Terminated);
    this.notify(this.handlers.onTimeout, this);
  }
}

export class ServerNonInviteTransaction extends ServerTransaction {
  constructor(key: string, request: SipRequest, source: MessageSource, ctx: TransactionContext) {
    super('server-non-invite', key, request, TransactionState.Trying, source, ctx);
  }

  respond(res: SipResponse): void {
    if (this.state === TransactionState.Completed || this.terminated) this.refuse(res.status);
    this.lastResponse = res;
    this.send(res);
    if (res.status < 200) {
      this.moveTo(TransactionState.Proceeding);
      return;
    }
    this.moveTo(TransactionState.Completed);
    const j = this.reliable ? 0 : 64 * this.ctx.timers.T1;
    this.timerSet.start('J', j, () => this.moveTo(TransactionState.Terminated));
  }

  receiveRequest(_req: SipRequest): void {
    // In Trying a retransmission is dropped; afterwards the last response is sent again (§17.2.2).
    if (this.state === TransactionState.Trying || this.terminated) return;
    if (this.lastResponse !== undefined) this.send(this.lastResponse);
  }
}

/** The server transaction for a new request: INVITE or non-INVITE by its method. */
export function createServerTransaction(
  key: string,
  request: SipRequest,
  source: MessageSource,
  ctx: TransactionContext,
): ServerTransaction {
  return request.method === 'INVITE'
    ? new ServerInviteTransaction(key, request, source, ctx)
    : new ServerNonInviteTransaction(key, request, source, ctx);
}
