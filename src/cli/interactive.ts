/**
 * The interactive `tsw` console: a readline prompt with persistent history and
 * tab completion, API commands, coloured log streaming and event display. When
 * the connection drops it says so and reconnects with backoff, restoring the
 * log level and event subscription it had.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { Completer } from './completion.js';
import { EslClient, type EslFrame } from './esl-client.js';
import { formatShowOutput } from './table.js';
import type { EslTarget } from './tsw-config.js';

const HISTORY_MAX = 1000;
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000];

/** ANSI colours by FreeSWITCH log level (0 console ... 7 debug). */
const LEVEL_COLOURS = [
  '\x1b[35m',
  '\x1b[31m',
  '\x1b[31m',
  '\x1b[31m',
  '\x1b[35m',
  '\x1b[36m',
  '\x1b[32m',
  '\x1b[33m',
];
const RESET = '\x1b[0m';

export const HELP_TEXT = `Commands:
  <api command>          run an API command (status, show channels, originate ...)
  /log <level>           stream log lines at <level> or more severe (debug, info, notice, warning, err ...)
  /nolog                 stop streaming log lines
  /event <names>         show events (e.g. /event CHANNEL_CREATE CHANNEL_HANGUP, or /event ALL)
  /noevents              stop showing events
  /filter <header> <value>  only show events whose <header> is <value> (repeat for OR)
  /help                  this text
  /quit, /exit           leave
Tab completes command names, module names (load/unload/reload) and channel UUIDs (uuid_*).
`;

export function historyFile(): string {
  return process.env['TSW_HISTORY'] ?? join(homedir(), '.tsw_history');
}

function loadHistory(file: string): string[] {
  try {
    // readline wants the newest entry first.
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .slice(-HISTORY_MAX)
      .reverse();
  } catch {
    return [];
  }
}

function saveHistoryLine(file: string, line: string): void {
  try {
    appendFileSync(file, `${line}\n`);
    const all = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    if (all.length > HISTORY_MAX * 2) writeFileSync(file, `${all.slice(-HISTORY_MAX).join('\n')}\n`);
  } catch {
    // A read-only home must not stop the console.
  }
}

/** `show ...` output as a table, unless a machine format was asked for. */
export function presentApiOutput(line: string, body: string): string {
  const isShow = /^show\s/i.test(line) && !/\sas\s+(json|xml|delim)/i.test(line);
  const text = isShow ? formatShowOutput(body) : body;
  return text.endsWith('\n') ? text : `${text}\n`;
}

export class Console {
  private client: EslClient | undefined;
  private rl: Interface | undefined;
  private logLevel: string | undefined;
  private eventNames: string | undefined;
  private readonly filters: [string, string][] = [];
  private quitting = false;
  private readonly completer: Completer;
  private readonly colour: boolean;

  constructor(private readonly target: EslTarget) {
    this.completer = new Completer((cmd) => this.api(cmd));
    this.colour = process.stdout.isTTY && !process.env['NO_COLOR'];
  }

  private api(cmd: string): Promise<string> {
    if (!this.client || this.client.closed) return Promise.reject(new Error('not connected'));
    return this.client.api(cmd);
  }

  /** Connects, then runs the prompt until /quit or end of input; resolves to the exit code. */
  async run(): Promise<number> {
    this.client = await this.open();
    const file = historyFile();
    const rl = createInterface({
      input: process.stdin,
      output: process.stdout,
      history: loadHistory(file),
      historySize: HISTORY_MAX,
      removeHistoryDuplicates: true,
      completer: (line: string, cb: (err: Error | null, result: [string[], string]) => void) => {
        this.completer.complete(line).then(
          (r) => cb(null, r),
          () => cb(null, [[], line]),
        );
      },
    });
    this.rl = rl;
    rl.setPrompt(`tsw@${this.target.host}:${this.target.port}> `);
    this.print(
      `Connected to ${this.target.host}:${this.target.port}. Type /help for help, /quit to leave.\n`,
    );
    rl.prompt();
    return new Promise((resolve) => {
      rl.on('line', (raw) => {
        const line = raw.trim();
        if (line !== '') saveHistoryLine(file, line);
        void this.handle(line).then(() => {
          if (this.quitting) rl.close();
          else rl.prompt();
        });
      });
      rl.on('close', () => {
        this.quitting = true;
        this.client?.close();
        process.stdout.write('\n');
        resolve(0);
      });
    });
  }

  private open(): Promise<EslClient> {
    const t = this.target;
    return EslClient.open(t.host, t.port, t.password, {
      onLog: (f) => this.showLog(f),
      onEvent: (f) => this.showEvent(f),
      onClose: () => {
        if (!this.quitting) void this.reconnect();
      },
    });
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.quitting; attempt++) {
      const wait = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 30000;
      this.print(
        `Connection to ${this.target.host}:${this.target.port} lost; reconnecting in ${wait / 1000} s...\n`,
      );
      await new Promise((r) => setTimeout(r, wait));
      if (this.quitting) return;
      try {
        this.client = await this.open();
        await this.restore();
        this.print('Reconnected.\n');
        return;
      } catch {
        // Try again after the next delay.
      }
    }
  }

  /** Puts back the log level, events and filters the console had before the drop. */
  private async restore(): Promise<void> {
    const c = this.client;
    if (!c) return;
    if (this.logLevel !== undefined) await c.command(`log ${this.logLevel}`);
    if (this.eventNames !== undefined) await c.command(`event plain ${this.eventNames}`);
    for (const [h, v] of this.filters) await c.command(`filter ${h} ${v}`);
  }

  /** Writes above the prompt without mangling what the operator is typing. */
  private print(text: string): void {
    if (this.rl) {
      process.stdout.write('\r\x1b[K');
      process.stdout.write(text);
      this.rl.prompt(true);
    } else {
      process.stdout.write(text);
    }
  }

  private showLog(f: EslFrame): void {
    const level = Number(f.headers.get('Log-Level') ?? '7');
    const text = f.body.endsWith('\n') ? f.body : `${f.body}\n`;
    this.print(this.colour ? `${LEVEL_COLOURS[level] ?? ''}${text.trimEnd()}${RESET}\n` : text);
  }

  private showEvent(f: EslFrame): void {
    const name = /^Event-Name: (.*)$/m.exec(f.body)?.[1] ?? 'event';
    const lines = f.body
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const i = l.indexOf(': ');
        if (i < 0) return `  ${l}`;
        let v = l.slice(i + 2);
        try {
          v = decodeURIComponent(v);
        } catch {
          // Leave a value that is not valid percent-encoding as it came.
        }
        return `  ${l.slice(0, i)}: ${v}`;
      });
    this.print(`[EVENT] ${name}\n${lines.join('\n')}\n`);
  }

  private async handle(line: string): Promise<void> {
    if (line === '') return;
    const c = this.client;
    if (line.startsWith('/')) {
      await this.slash(line);
      return;
    }
    if (!c || c.closed) {
      this.print('Not connected; the console is reconnecting.\n');
      return;
    }
    try {
      const body = await c.api(line);
      this.print(presentApiOutput(line, body));
    } catch (err) {
      this.print(`${(err as Error).message}\n`);
    }
  }

  private async reply(cmd: string): Promise<void> {
    const c = this.client;
    if (!c || c.closed) {
      this.print('Not connected.\n');
      return;
    }
    const r = await c.command(cmd);
    this.print(`${r.headers.get('Reply-Text') ?? r.body}\n`);
  }

  private async slash(line: string): Promise<void> {
    const [cmd = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (cmd.toLowerCase()) {
      case '/quit':
      case '/exit':
      case '/bye':
        this.quitting = true;
        return;
      case '/help':
        this.print(HELP_TEXT);
        return;
      case '/log':
        this.logLevel = args === '' ? 'debug' : args;
        await this.reply(`log ${this.logLevel}`);
        return;
      case '/nolog':
        this.logLevel = undefined;
        await this.reply('nolog');
        return;
      case '/event':
        this.eventNames = args === '' ? 'ALL' : args;
        await this.reply(`event plain ${this.eventNames}`);
        return;
      case '/noevents':
        this.eventNames = undefined;
        await this.reply('noevents');
        return;
      case '/filter': {
        const [h, ...v] = rest;
        if (h === undefined || v.length === 0) {
          this.print('Usage: /filter <header> <value>\n');
          return;
        }
        this.filters.push([h, v.join(' ')]);
        await this.reply(`filter ${h} ${v.join(' ')}`);
        return;
      }
      default:
        this.print(`Unknown console command ${cmd}; /help lists them.\n`);
    }
  }
}
