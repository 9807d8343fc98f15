/**
 * A {@link SipTransport} wrapper that drops requests from banned addresses
 * before the transaction layer sees them, so a banned scanner gets no 100
 * Trying, no challenge and no transaction state kept on its behalf.
 */
import type { SipRequest, SipResponse } from '../../sip/messages/index.js';
import type {
  MessageSource,
  SendTarget,
  SentInfo,
  SipTransport,
  TransportHandler,
} from '../../sip/transport/index.js';
import type { BanList } from './ban-list.js';

export class BanFilterTransport implements SipTransport {
  /** Requests dropped because their source was banned. */
  dropped = 0;

  constructor(
    private readonly inner: SipTransport,
    private readonly bans: BanList,
  ) {}

  setHandler(handler: TransportHandler): void {
    this.inner.setHandler({
      onRequest: (req, source) => {
        if (this.bans.isBanned(source.address)) {
          this.dropped++;
          return;
        }
        handler.onRequest(req, source);
      },
      onResponse: (res, source) => handler.onResponse(res, source),
    });
  }

  sendRequest(req: SipRequest, target: SendTarget): Promise<SentInfo> {
    return this.inner.sendRequest(req, target);
  }

  sendResponse(res: SipResponse, source?: MessageSource): Promise<SentInfo> {
    return this.inner.sendResponse(res, source);
  }
}
