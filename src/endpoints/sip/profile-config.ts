/**
 * Reading sofia.conf: `<profiles><profile name=".."><settings><param/></settings>`
 * (FreeSWITCH's layout; the shipped file includes `../sip_profiles/*.xml`).
 * Every param is declared in {@link PROFILE_SCHEMA}; an unknown or invalid one
 * is an error naming its file:line, and the module refuses to load.
 */
import { childrenNamed, firstChild, type XmlNode } from '../../config/xml-node.js';
import { defineSchema, readParamList, type SettingsOf, validateParams } from '../../config/schema.js';
import { TswError } from '../../core/errors.js';
import { engineHasCodec } from '../../media/media-addon.js';
import { CODECS, type CodecName } from '../../sip/sdp/index.js';
import { type GatewayConfig, readGateways } from './gateway-config.js';

export const PROFILE_SCHEMA = defineSchema({
  'sip-ip': { type: 'ip', default: '127.0.0.1', description: 'Address the SIP listeners bind' },
  'sip-port': { type: 'port', default: 5060, min: 0, description: 'UDP and TCP port (0 picks a free one)' },
  'rtp-ip': { type: 'ip', description: 'Address written in SDP; defaults to sip-ip' },
  'ext-sip-ip': { type: 'ip', description: 'Address advertised in Via/Contact (behind NAT)' },
  'ext-rtp-ip': { type: 'ip', description: 'Address advertised in SDP (behind NAT)' },
  context: { type: 'string', default: 'public', description: 'Context for calls that did not authenticate' },
  dialplan: { type: 'string', default: 'XML', description: 'Dialplan that routes inbound calls' },
  'auth-calls': { type: 'bool', default: true, description: 'Challenge INVITEs with digest' },
  'apply-inbound-acl': { type: 'string', description: 'Network list whose calls skip the challenge' },
  'inbound-codec-prefs': { type: 'string', default: 'PCMU,PCMA', description: 'Codecs we answer with' },
  'outbound-codec-prefs': { type: 'string', default: 'PCMU,PCMA', description: 'Codecs we offer' },
  'dtmf-type': { type: 'enum', values: ['rfc2833', 'info', 'none'], default: 'rfc2833' },
  'rfc2833-pt': { type: 'int', default: 101, min: 96, max: 127, description: 'telephone-event payload type' },
  'rtp-port-min': { type: 'port', default: 16384, description: 'Lowest RTP port handed out' },
  'rtp-port-max': { type: 'port', default: 32768, description: 'Highest RTP port handed out' },
  'session-timeout': { type: 'int', default: 0, min: 0, max: 86400, description: 'RFC 4028 interval; 0 off' },
  'minimum-session-expires': {
    type: 'int',
    default: 90,
    min: 1,
    max: 86400,
    description: 'Our Min-SE (RFC 4028 says at least 90; less is for tests)',
  },
  'rtp-timeout-sec': {
    type: 'int',
    default: 0,
    min: 0,
    max: 86400,
    description: 'Hang up after this much silence',
  },
  tls: { type: 'bool', default: false, description: 'Also listen for SIP over TLS' },
  'tls-sip-port': { type: 'port', default: 5061, min: 0, description: 'TLS port' },
  'tls-cert-dir': { type: 'string', description: 'Directory holding agent.pem (certificate and key)' },
  'max-registrations-per-user': { type: 'int', default: 0, min: 0, max: 1000, description: '0 is no limit' },
  'min-register-expires': { type: 'int', default: 60, min: 1, max: 86400, description: 'Shorter gets 423' },
  'max-register-expires': { type: 'int', default: 3600, min: 1, max: 604800, description: 'Longer is cut' },
  'auth-fail-max': { type: 'int', default: 5, min: 1, max: 1000, description: 'Failures before a ban' },
  'auth-fail-window-sec': {
    type: 'int',
    default: 60,
    min: 1,
    max: 86400,
    description: 'Window failures count in',
  },
  'auth-ban-sec': {
    type: 'int',
    default: 300,
    min: 0,
    max: 604800,
    description: 'Ban length; 0 disables bans',
  },
  'nat-options-ping': {
    type: 'bool',
    default: false,
    description: 'Keep registrations that came through a NAT alive with OPTIONS',
  },
  'all-reg-options-ping': { type: 'bool', default: false, description: 'OPTIONS-ping every registration' },
  'ping-mean-interval': { type: 'int', default: 30, min: 1, max: 3600, description: 'Seconds between pings' },
  'unregister-on-options-fail': {
    type: 'bool',
    default: true,
    description: 'Drop a registration whose contact does not answer a ping',
  },
  'user-agent-string': { type: 'string', default: 'typeswitch', description: 'User-Agent/Server header' },
});

export type ProfileSettings = SettingsOf<typeof PROFILE_SCHEMA>;

export interface ProfileConfig {
  name: string;
  settings: ProfileSettings;
  /** The address in SDP: ext-rtp-ip, else rtp-ip, else sip-ip. */
  sdpIp: string;
  inboundCodecs: CodecName[];
  outboundCodecs: CodecName[];
  /** PEM files for TLS, when tls is on. */
  tlsFiles: { cert: string; key: string } | undefined;
  /** The profile's `<gateways>` (trunks). */
  gateways: GatewayConfig[];
}

const CODEC_BY_LOWER = new Map<string, CodecName>(
  (Object.keys(CODECS) as CodecName[]).map((c) => [c.toLowerCase(), c]),
);

/** `PCMU,PCMA@20i` → codec names; the `@...` suffixes FreeSWITCH allows are ignored. */
function parseCodecList(text: string, where: XmlNode['loc'] | undefined, param: string): CodecName[] {
  const out: CodecName[] = [];
  for (const raw of text.split(',')) {
    const name = raw.trim().split('@')[0]?.toLowerCase() ?? '';
    if (name === '') continue;
    const codec = CODEC_BY_LOWER.get(name);
    if (codec === undefined) {
      throw new TswError('TSW_ERR_CONFIG_PARAM', `param "${param}": unknown codec "${raw.trim()}"`, {
        location: where,
      });
    }
    if (codec === 'G729' && !engineHasCodec('G729')) {
      throw new TswError(
        'TSW_ERR_CONFIG_PARAM',
        `param "${param}": codec "${raw.trim()}" needs libbcg729, which this media engine was built ` +
          'without (install libbcg729-dev and run npm run build:native)',
        { location: where },
      );
    }
    if (!out.includes(codec)) out.push(codec);
  }
  return out;
}

function paramLoc(settings: XmlNode | undefined, name: string): XmlNode['loc'] | undefined {
  return readParamList(settings).find((p) => p.name.toLowerCase() === name)?.loc ?? settings?.loc;
}

/** Reads one `<profile>` element. Throws TSW_ERR_CONFIG_PARAM naming file:line. */
export function readProfile(node: XmlNode): ProfileConfig {
  const name = node.attrs.name ?? '';
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new TswError('TSW_ERR_CONFIG_PARAM', `profile name "${name}" must be letters, digits, _ . -`, {
      location: node.loc,
    });
  }
  const settings = firstChild(node, 'settings');
  const { values, errors } = validateParams(
    readParamList(settings),
    PROFILE_SCHEMA,
    settings?.loc ?? node.loc,
  );
  if (errors.length > 0) {
    throw new TswError(
      'TSW_ERR_CONFIG_PARAM',
      `profile ${name}: ${errors.map((e) => e.message).join('; ')}`,
      { location: errors[0]?.location },
    );
  }
  if (values['rtp-port-min'] > values['rtp-port-max']) {
    throw new TswError('TSW_ERR_CONFIG_PARAM', `profile ${name}: rtp-port-min is above rtp-port-max`, {
      location: paramLoc(settings, 'rtp-port-min'),
    });
  }
  let tlsFiles: ProfileConfig['tlsFiles'];
  if (values.tls) {
    const dir = values['tls-cert-dir'];
    if (dir === undefined || dir === '') {
      throw new TswError('TSW_ERR_CONFIG_PARAM', `profile ${name}: tls is on but tls-cert-dir is not set`, {
        location: paramLoc(settings, 'tls'),
      });
    }
    tlsFiles = { cert: `${dir}/agent.pem`, key: `${dir}/agent.pem` };
  }
  const withDtmf = (list: CodecName[]): CodecName[] =>
    values['dtmf-type'] === 'rfc2833' && !list.includes('telephone-event')
      ? [...list, 'telephone-event']
      : list;
  return {
    name,
    settings: values,
    sdpIp: values['ext-rtp-ip'] ?? values['rtp-ip'] ?? values['sip-ip'],
    inboundCodecs: withDtmf(
      parseCodecList(
        values['inbound-codec-prefs'],
        paramLoc(settings, 'inbound-codec-prefs'),
        'inbound-codec-prefs',
      ),
    ),
    outboundCodecs: withDtmf(
      parseCodecList(
        values['outbound-codec-prefs'],
        paramLoc(settings, 'outbound-codec-prefs'),
        'outbound-codec-prefs',
      ),
    ),
    tlsFiles,
    gateways: readGateways(node),
  };
}

/** Every profile of `sofia.conf` (or `sip.conf`); duplicate names are an error. */
export function readProfiles(conf: XmlNode | undefined): ProfileConfig[] {
  const out: ProfileConfig[] = [];
  for (const p of childrenNamed(firstChild(conf, 'profiles'), 'profile')) {
    const cfg = readProfile(p);
    if (out.some((o) => o.name.toLowerCase() === cfg.name.toLowerCase())) {
      throw new TswError('TSW_ERR_CONFIG_PARAM', `profile ${cfg.name} is defined twice`, { location: p.loc });
    }
    for (const gw of cfg.gateways) {
      const other = out.find((o) => o.gateways.some((g) => g.name.toLowerCase() === gw.name.toLowerCase()));
      if (other !== undefined) {
        throw new TswError(
          'TSW_ERR_CONFIG_PARAM',
          `gateway ${gw.name} is also defined in profile ${other.name}`,
          {
            location: gw.loc,
          },
        );
      }
    }
    out.push(cfg);
  }
  return out;
}
