/**
 * API commands: the text commands an operator or an event socket client runs
 * (`status`, `originate ...`, `show channels`). A command receives its argument
 * text and returns reply text. Every failure is turned into a `-ERR <reason>`
 * reply here, so a bad command can never throw out of the core.
 */
import { errorMessage, isTswError } from './errors.js';
import type { Logger } from './log.js';
import { Registry } from './registry.js';

export interface ApiContext {
  /** Where the command came from: `console`, `esl`, `internal`, ... */
  source: string;
}

export interface ApiCommand {
  readonly name: string;
  readonly description: string;
  readonly syntax: string;
  run(args: string, ctx: ApiContext): Promise<string> | string;
}

/** An error whose message is meant for the `-ERR` reply as it is. */
export class ApiUsageError extends Error {}

export function usage(cmd: ApiCommand): never {
  throw new ApiUsageError(`USAGE: ${cmd.name} ${cmd.syntax}`);
}

export class ApiRegistry extends Registry<ApiCommand> {
  constructor(
    private readonly log: Logger,
    private readonly onExecute?: (cmd: string, args: string) => void,
  ) {
    super('API command');
  }

  /**
   * Runs `cmd args` and returns its reply. Unknown commands and thrown errors
   * come back as `-ERR` text; nothing propagates to the caller.
   */
  async execute(cmd: string, args = '', ctx: ApiContext = { source: 'internal' }): Promise<string> {
    const name = cmd.trim();
    const command = this.get(name);
    if (!command) return `-ERR ${name || '(empty)'} Command not found!\n`;
    try {
      this.onExecute?.(name, args);
    } catch {
      // An observer failing must not stop the command.
    }
    try {
      const out = await command.run(args.trim(), ctx);
      return out;
    } catch (err) {
      if (err instanceof ApiUsageError) return `-ERR ${err.message}\n`;
      if (!isTswError(err)) this.log.error(`api ${name} ${args} failed: ${errorMessage(err)}`);
      return `-ERR ${errorMessage(err)}\n`;
    }
  }

  /** Splits `cmd rest of args` and runs it. */
  executeLine(line: string, ctx?: ApiContext): Promise<string> {
    const t = line.trim();
    const sp = t.search(/\s/);
    return sp < 0 ? this.execute(t, '', ctx) : this.execute(t.slice(0, sp), t.slice(sp + 1), ctx);
  }
}

/** Splits on whitespace, keeping 'single' or "double" quoted words together. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}
