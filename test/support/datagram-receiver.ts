/**
 * A real AF_UNIX datagram peer for tests: a python3 child binds the address (a filesystem path
 * or an `@name` abstract address) and prints every datagram it receives, base64-encoded, one
 * per line. Using another process keeps the receiving side independent of the code under test.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

const SCRIPT = `
import base64, socket, sys
addr = sys.argv[1]
if addr.startswith('@'):
    addr = '\\0' + addr[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(addr)
print('BOUND', flush=True)
while True:
    data = s.recv(262144)
    print(base64.b64encode(data).decode('ascii'), flush=True)
`;

export class DatagramReceiver {
  private readonly queue: Buffer[] = [];
  private readonly waiters: ((b: Buffer) => void)[] = [];

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  /** Spawns the receiver and resolves once its socket is bound. */
  static start(address: string): Promise<DatagramReceiver> {
    const child = spawn('python3', ['-u', '-c', SCRIPT, address]);
    const rx = new DatagramReceiver(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        if (line === 'BOUND') resolve(rx);
        else rx.push(Buffer.from(line, 'base64'));
      });
      child.on('exit', (code) => reject(new Error(`receiver exited (${code}): ${stderr}`)));
      child.on('error', reject);
    });
  }

  private push(b: Buffer): void {
    const w = this.waiters.shift();
    if (w) w(b);
    else this.queue.push(b);
  }

  /** The next datagram, in arrival order; fails after `timeoutMs` so a lost datagram cannot hang a test. */
  next(timeoutMs = 20_000): Promise<Buffer> {
    const b = this.queue.shift();
    if (b) return Promise.resolve(b);
    return new Promise((resolve, reject) => {
      const waiter = (got: Buffer): void => {
        clearTimeout(timer);
        resolve(got);
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no datagram arrived within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The next `n` datagrams decoded as UTF-8. */
  async take(n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push((await this.next()).toString('utf8'));
    return out;
  }

  /** Stops the child and waits for it to go. */
  close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}
