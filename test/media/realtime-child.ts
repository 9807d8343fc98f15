/**
 * Child process for media-engine.test.ts: starts an engine asking for SCHED_FIFO and prints, as
 * one JSON line, the warnings it logged and emitted and how many ticks ran. The parent starts it
 * without CAP_SYS_NICE so that the request is refused.
 */
import { MediaEngine } from '../../src/media/media-engine.js';

const logged: string[] = [];
const emitted: string[] = [];
const engine = new MediaEngine({
  rtpPortMin: 41900,
  rtpPortMax: 41999,
  realtimePriority: 50,
  logger: { warn: (message: string) => logged.push(message) },
});
engine.on('warning', (w) => emitted.push(w.message));
engine.start();
await new Promise((resolve) => setTimeout(resolve, 300));
const { ticks } = engine.counters();
engine.close();
process.stdout.write(`${JSON.stringify({ logged, emitted, ticks })}\n`);
