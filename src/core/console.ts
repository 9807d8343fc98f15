/**
 * The daemon's console: API commands typed on stdin, replies on stdout. It is
 * the same command set the event socket offers. `/exit` or end of input closes
 * the console but leaves the daemon running; `shutdown` stops the daemon.
 */
import { createInterface } from 'node:readline';
import type { Core } from './core.js';

export function startConsole(
  core: Core,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): () => void {
  const rl = createInterface({ input, output, terminal: false });
  const prompt = (): void => {
    if ((output as { isTTY?: boolean }).isTTY) output.write('typeswitch> ');
  };
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    const cmd = line.trim();
    if (cmd === '') return prompt();
    if (cmd === '/exit' || cmd === '/quit' || cmd === '/bye') {
      rl.close();
      return;
    }
    queue = queue.then(async () => {
      const reply = await core.apis.executeLine(cmd.replace(/^\//, ''), { source: 'console' });
      output.write(reply.endsWith('\n') ? reply : `${reply}\n`);
      prompt();
    });
  });
  prompt();
  return () => rl.close();
}
