#!/usr/bin/env node
/**
 * `tsw`: the typeswitch console, an event socket client in the spirit of
 * fs_cli. `tsw -x "<command>"` runs one API command and exits; plain `tsw`
 * opens an interactive prompt.
 *
 * Exit codes: 0 success; 1 the command's reply was -ERR (or bad usage);
 * 2 the event socket could not be reached or refused the password.
 */
import { errorMessage } from '../core/errors.js';
import { EslClient, EslConnectError } from './esl-client.js';
import { Console, presentApiOutput } from './interactive.js';
import { FALLBACK_TARGET, readLocalTarget, type EslTarget } from './tsw-config.js';

export const USAGE = `Usage: tsw [-H host] [-P port] [-p password] [-x "<command>"]
  -H, --host      event socket address (default: listen-ip from event_socket.conf.xml)
  -P, --port      event socket port (default: listen-port from event_socket.conf.xml)
  -p, --password  event socket password (default: password from event_socket.conf.xml)
  -x, --execute   run one API command, print its output and exit
  -h, --help      this text
The local configuration is looked for in $TSW_CONF_DIR, the installation's conf/
and /etc/typeswitch.
`;

export interface TswArgs {
  host?: string;
  port?: number;
  password?: string;
  execute?: string;
  help?: boolean;
}

/** Parses the command line; throws an Error with a message for the operator. */
export function parseArgs(argv: readonly string[]): TswArgs {
  const out: TswArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '-H':
      case '--host':
        out.host = value();
        break;
      case '-P':
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${v} is not a port number`);
        out.port = n;
        break;
      }
      case '-p':
      case '--password':
        out.password = value();
        break;
      case '-x':
      case '--execute':
        out.execute = value();
        break;
      case '-h':
      case '--help':
        out.help = true;
        break;
      default:
        throw new Error(`unknown option ${a}`);
    }
  }
  return out;
}

function resolveTarget(args: TswArgs): EslTarget {
  let local: EslTarget | undefined;
  if (args.host === undefined || args.port === undefined || args.password === undefined) {
    try {
      local = readLocalTarget();
    } catch (err) {
      process.stderr.write(
        `tsw: cannot read the local configuration (${errorMessage(err)}); using defaults\n`,
      );
    }
  }
  const base = local ?? FALLBACK_TARGET;
  return {
    host: args.host ?? base.host,
    port: args.port ?? base.port,
    password: args.password ?? base.password,
  };
}

async function runOnce(target: EslTarget, command: string): Promise<number> {
  const client = await EslClient.open(target.host, target.port, target.password);
  try {
    const body = await client.api(command);
    process.stdout.write(presentApiOutput(command, body));
    return body.startsWith('-ERR') ? 1 : 0;
  } finally {
    client.close();
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: TswArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`tsw: ${errorMessage(err)}\n${USAGE}`);
    return 1;
  }
  if (args.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const target = resolveTarget(args);
  try {
    if (args.execute !== undefined) return await runOnce(target, args.execute);
    return await new Console(target).run();
  } catch (err) {
    if (err instanceof EslConnectError) {
      process.stderr.write(`tsw: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`tsw: ${errorMessage(err)}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
