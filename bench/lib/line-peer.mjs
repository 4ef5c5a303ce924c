// A long-lived peer process driven one request line at a time over stdin, one reply line
// each (the protocol of ../shared/peers: count_peer, gemm_peer), so that a bench can
// alternate it with corekernels in one sitting.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export class LinePeer {
  constructor(name, file, { args = [], env = {} } = {}) {
    this.name = name;
    this.proc = spawn(file, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
    this.exited = new Promise((resolve) => this.proc.on('exit', resolve));
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }

  async next() {
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`${this.name} exited (code ${await this.exited})`);
    return value;
  }

  /** Waits for the line a peer prints once its data is made (count_peer's "ready"). */
  async ready(expected = 'ready') {
    const line = await this.next();
    if (line !== expected) throw new Error(`${this.name} said "${line}" instead of "${expected}"`);
  }

  async ask(request) {
    this.proc.stdin.write(`${request}\n`);
    return this.next();
  }

  /** For the "<seconds per call> <check>" replies: both as numbers. */
  async timed(request) {
    const reply = await this.ask(request);
    const [seconds, check] = reply.trim().split(/\s+/).map(Number);
    if (!(seconds > 0)) throw new Error(`${this.name}: bad reply "${reply}" to "${request}"`);
    return { seconds, check };
  }

  close() {
    this.proc.stdin.end();
    return this.exited;
  }
}
