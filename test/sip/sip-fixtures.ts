/** The SIP message corpus under test/fixtures/sip, found from dist/test/sip at run time. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SIP_FIXTURES = fileURLToPath(new URL('../../../test/fixtures/sip/', import.meta.url));

/** What a valid fixture must parse to; every field is optional. */
export interface ValidExpect {
  method?: string;
  status?: number;
  reason?: string;
  callId?: string;
  vias?: number;
  contacts?: number;
  contactStar?: boolean;
  contactQ?: number;
  contactExpires?: number;
  bodyLength?: number;
  body?: string;
  ruri?: string;
  ruriUser?: string;
  ruriHost?: string;
  ruriPort?: number;
  ruriScheme?: string;
  ruriParam?: [string, string];
  fromTag?: string;
  toTag?: string;
  fromUser?: string;
  toUser?: string;
  toParam?: [string, string];
  toScheme?: string;
  toNumber?: string;
  toDisplayName?: string;
  fromDisplayName?: string;
  cseq?: number;
  maxForwards?: number;
  viaHost?: string;
  viaRport?: number | true;
  viaReceived?: string;
  referToHeaders?: Array<[string, string]>;
  headers?: Record<string, string[]>;
  transport?: 'datagram' | 'stream';
}

export interface InvalidExpect {
  status: number;
  reason: string;
  transport?: 'datagram' | 'stream';
}

interface Manifest {
  valid: Record<string, ValidExpect>;
  invalid: Record<string, InvalidExpect>;
}

export const manifest = JSON.parse(readFileSync(join(SIP_FIXTURES, 'manifest.json'), 'utf8')) as Manifest;

export function validFixture(name: string): Buffer {
  return readFileSync(join(SIP_FIXTURES, 'valid', name));
}

export function invalidFixture(name: string): Buffer {
  return readFileSync(join(SIP_FIXTURES, 'invalid', name));
}
