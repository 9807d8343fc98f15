/**
 * The Via header (RFC 3261 §20.42, §18.2.1) with the rport extension (RFC 3581).
 * Whitespace is allowed around the `/` of the sent-protocol and the `:` of the
 * sent-by (the SLASH and COLON rules of §25.1), so it is tolerated here.
 */
import { TOKEN_RE } from './headers.js';
import { formatHeaderParams, type HeaderParams, parseHeaderParams } from './params.js';
import { badRequest } from './parse-error.js';
import { parseHostPort } from './uri.js';

/** The magic cookie that marks an RFC 3261 branch (§8.1.1.7). */
export const BRANCH_COOKIE = 'z9hG4bK';

export interface Via {
  /** `SIP/2.0`. */
  protocol: string;
  /** Upper-cased transport token: UDP, TCP, TLS, SCTP, WS, WSS, ... */
  transport: string;
  host: string;
  port: number | undefined;
  branch: string | undefined;
  received: string | undefined;
  /** The rport value, `true` when the parameter is present without one, undefined when absent. */
  rport: number | true | undefined;
  /** All parameters, including branch/received/rport, as written. */
  params: HeaderParams;
}

const SENT_PROTOCOL_RE = /^([^\s/]+)\s*\/\s*([^\s/]+)\s*\/\s*([^\s/]+)\s+([\s\S]*)$/;

export function parseVia(value: string): Via {
  const m = SENT_PROTOCOL_RE.exec(value.trim());
  if (m === null) throw badRequest('Bad Via');
  const [, name, version, transport, rest] = m as unknown as [string, string, string, string, string];
  if (!TOKEN_RE.test(name) || !TOKEN_RE.test(version) || !TOKEN_RE.test(transport))
    throw badRequest('Bad Via');
  const semi = rest.indexOf(';');
  const sentBy = (semi < 0 ? rest : rest.slice(0, semi)).trim().replace(/\s*:\s*(?=[0-9]+$)/, ':');
  if (sentBy === '' || /\s/.test(sentBy)) throw badRequest('Bad Via sent-by');
  const { host, port } = parseHostPort(sentBy, 'Via');
  const params = parseHeaderParams(semi < 0 ? '' : rest.slice(semi), 'Via');
  const branch = params.get('branch');
  if (branch === null || branch === '') throw badRequest('Empty Via branch');
  const received = params.get('received');
  if (received === null) throw badRequest('Empty Via received');
  const rportRaw = params.get('rport');
  let rport: number | true | undefined;
  if (rportRaw === null) rport = true;
  else if (rportRaw !== undefined) {
    if (!/^[0-9]{1,5}$/.test(rportRaw) || Number(rportRaw) > 65535) throw badRequest('Bad Via rport');
    rport = Number(rportRaw);
  }
  return {
    protocol: `${name.toUpperCase()}/${version}`,
    transport: transport.toUpperCase(),
    host,
    port,
    branch,
    received,
    rport,
    params,
  };
}

/** Writes a Via from its fields; branch, received and rport override `params`. */
export function formatVia(via: Omit<Via, 'params'> & { params?: HeaderParams }): string {
  const params: HeaderParams = new Map(via.params ?? []);
  const set = (name: string, v: string | null | undefined): void => {
    if (v === undefined) params.delete(name);
    else params.set(name, v);
  };
  set('branch', via.branch);
  set('received', via.received);
  set('rport', via.rport === undefined ? undefined : via.rport === true ? null : String(via.rport));
  const port = via.port === undefined ? '' : `:${via.port}`;
  return `${via.protocol}/${via.transport} ${via.host}${port}${formatHeaderParams(params)}`;
}
