/**
 * The transaction layer (RFC 3261 §17): sits on a {@link SipTransport}, matches
 * what arrives to its transaction (§17.1.3, §17.2.3), creates server
 * transactions for new requests, and hands the TU what is left over: new
 * requests, ACKs for 2xx responses (which belong to no transaction) and 2xx
 * retransmissions that arrive after their INVITE client transaction has ended.
 *
 * A new INVITE is answered with 100 Trying at once (§17.2.1 allows a UAS to wait
 * 200 ms; FreeSWITCH answers at once, and so do we unless `inviteTryingDelayMs`
 * says otherwise).
 */
import { createResponse, type SipRequest, type SipResponse } from '../messages/index.js';
import {
  type MessageSource,
  type SendTarget,
  type SentInfo,
  silentLog,
  type SipTransport,
  type TransportLog,
} from '../transport/index.js';
import { ensureBranch } from '../transport/via-stamp.js';
import { ClientTransaction, type ClientTransactionHandlers } from './client-transaction.js';
import {
  createServerTransaction,
  ServerInviteTransaction,
  type ServerTransaction,
} from './server-transaction.js';
import type { Transaction, TransactionContext } from './transaction-base.js';
import { cancelTargetKey, clientKey, responseKey, serverKey } from './transaction-key.js';
import { TransactionState } from './transaction-state.js';
import { systemClock, type TimerConfig, timerConfig, type TransactionClock } from './transaction-timers.js';
import { TwoHundredRetransmitter } from './two-hundred-retransmitter.js';

export interface TransactionUser {
  /** A request that starts a new server transaction. The TU answers with `tx.respond()`. */
  onRequest(req: SipRequest, tx: ServerTransaction): void;
  /** An ACK that matches no server transaction: the ACK for a 2xx (§17.2.3, §13.3.1.4). */
  onAck?(ack: SipRequest, source: MessageSource): void;
  /** A response that matches no client transaction: mostly 2xx retransmissions (§17.1.1.2). */
  onStrayResponse?(res: SipResponse, source: MessageSource): void;
}

export interface TransactionLayerOptions {
  timers?: Partial<TimerConfig>;
  clock?: TransactionClock;
  /** Delay before the automatic 100 Trying to an INVITE; 0 (the default) sends it at once. */
  inviteTryingDelayMs?: number;
  log?: TransportLog;
}

export class TransactionLayer {
  private readonly client = new Map<string, ClientTransaction>();
  private readonly server = new Map<string, ServerTransaction>();
  private readonly retransmitters = new Set<TwoHundredRetransmitter>();
  private readonly ctx: TransactionContext;
  private tu: TransactionUser | undefined;

  constructor(
    private readonly transport: SipTransport,
    private readonly options: TransactionLayerOptions = {},
  ) {
    this.ctx = {
      transport,
      timers: timerConfig(options.timers),
      clock: options.clock ?? systemClock,
      log: options.log ?? silentLog,
      terminated: (tx) => this.forget(tx),
    };
    transport.setHandler({
      onRequest: (req, source) => this.receiveRequest(req, source),
      onResponse: (res, source) => this.receiveResponse(res, source),
    });
  }

  setUser(tu: TransactionUser): void {
    this.tu = tu;
  }

  get timers(): TimerConfig {
    return this.ctx.timers;
  }

  /** Live transactions, for tests and `sofia status`-style reports. */
  get counts(): { client: number; server: number } {
    return { client: this.client.size, server: this.server.size };
  }

  /**
   * Starts a client transaction for `req` (INVITE or non-INVITE by its method).
   * The top Via gets a fresh branch unless it has one (a CANCEL reuses its
   * INVITE's branch, §9.1). ACK is not a transaction: use {@link sendAck}.
   */
  sendRequest(
    req: SipRequest,
    target: SendTarget,
    handlers: ClientTransactionHandlers = {},
  ): ClientTransaction {
    if (req.method === 'ACK') throw new Error('ACK is sent with sendAck(), not in a transaction');
    const branch = ensureBranch(req);
    const key = clientKey(branch, req.method);
    const tx = new ClientTransaction(key, req, target, this.ctx, handlers);
    this.client.set(key, tx);
    tx.start();
    return tx;
  }

  /** Sends an ACK for a 2xx straight through the transport (§13.2.2.4: the TU's job). */
  sendAck(ack: SipRequest, target: SendTarget): Promise<SentInfo> {
    ensureBranch(ack);
    return this.transport.sendRequest(ack, target);
  }

  /** The INVITE server transaction a CANCEL applies to (§9.2), if it is still live. */
  findInviteForCancel(cancel: SipRequest): ServerInviteTransaction | undefined {
    const key = cancelTargetKey(cancel);
    const tx = key === undefined ? undefined : this.server.get(key);
    return tx instanceof ServerInviteTransaction ? tx : undefined;
  }

  /**
   * Starts resending a 2xx that a server INVITE transaction has just sent, until
   * its ACK arrives (matched here before `onAck` is called) or 64*T1 passes.
   */
  retransmit2xx(
    res: SipResponse,
    source: MessageSource | undefined,
    onTimeout: () => void,
  ): TwoHundredRetransmitter {
    const r: TwoHundredRetransmitter = new TwoHundredRetransmitter({
      transport: this.transport,
      response: res,
      source,
      timers: this.ctx.timers,
      clock: this.ctx.clock,
      onTimeout: () => {
        this.retransmitters.delete(r);
        onTimeout();
      },
    });
    this.retransmitters.add(r);
    r.start();
    return r;
  }

  /** Ends every transaction and retransmitter (on shutdown). */
  close(): void {
    for (const tx of [...this.client.values(), ...this.server.values()]) tx.terminate();
    for (const r of this.retransmitters) r.stop();
    this.retransmitters.clear();
  }

  private forget(tx: Transaction): void {
    const map: Map<string, Transaction> = tx instanceof ClientTransaction ? this.client : this.server;
    if (map.get(tx.key) === tx) map.delete(tx.key);
  }

  private receiveRequest(req: SipRequest, source: MessageSource): void {
    const key = serverKey(req);
    if (key === undefined) return;
    const existing = this.server.get(key);
    if (existing !== undefined) {
      existing.receiveRequest(req);
      return;
    }
    if (req.method === 'ACK') {
      for (const r of this.retransmitters) if (r.acknowledge(req)) this.retransmitters.delete(r);
      this.tu?.onAck?.(req, source);
      return;
    }
    const tu = this.tu;
    if (tu === undefined) return;
    const tx = createServerTransaction(key, req, source, this.ctx);
    this.server.set(key, tx);
    if (tx instanceof ServerInviteTransaction) this.scheduleTrying(tx);
    tu.onRequest(req, tx);
  }

  private scheduleTrying(tx: ServerInviteTransaction): void {
    const send = (): void => {
      if (tx.state === TransactionState.Proceeding && tx.lastResponse === undefined) {
        tx.respond(createResponse(tx.request, 100));
      }
    };
    const delay = this.options.inviteTryingDelayMs ?? 0;
    if (delay <= 0) send();
    else this.ctx.clock.setTimeout(send, delay);
  }

  private receiveResponse(res: SipResponse, source: MessageSource): void {
    const key = responseKey(res);
    const tx = key === undefined ? undefined : this.client.get(key);
    if (tx !== undefined) tx.receiveResponse(res);
    else this.tu?.onStrayResponse?.(res, source);
  }
}
