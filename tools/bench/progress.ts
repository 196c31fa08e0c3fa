// A progress bar on stderr: weighted steps, elapsed time and an estimate of the time left. On a terminal
// it redraws one line; otherwise it prints one line per step.
export class Progress {
  private done = 0;
  private steps = 0;
  private readonly t0 = Date.now();
  private label = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly totalWeight: number, private readonly totalSteps: number) {
    if (this.tty) this.timer = setInterval(() => this.draw(), 1000);
  }

  private static clock(ms: number): string {
    const s = Math.max(0, Math.round(ms / 1000));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }

  private line(): string {
    const frac = Math.min(1, this.done / this.totalWeight);
    const width = 30;
    const fill = Math.round(frac * width);
    const elapsed = Date.now() - this.t0;
    const eta = frac > 0.02 ? (elapsed / frac) * (1 - frac) : NaN;
    return `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${this.steps}/${this.totalSteps} ${Progress.clock(elapsed)} elapsed, ~${Number.isNaN(eta) ? '?' : Progress.clock(eta)} left | ${this.label}`;
  }

  private draw(): void {
    if (!this.tty) return;
    const cols = process.stderr.columns ?? 120;
    process.stderr.write(`\r\x1b[2K${this.line().slice(0, cols - 1)}`);
  }

  /** Runs `fn` as one step of `weight`. */
  async step<T>(label: string, weight: number, fn: () => Promise<T>): Promise<T> {
    this.label = label;
    if (this.tty) this.draw();
    else process.stderr.write(`${this.line()}\n`);
    try {
      return await fn();
    } finally {
      this.done += weight;
      this.steps++;
      this.draw();
    }
  }

  /** A message above the bar. */
  note(msg: string): void {
    if (this.tty) process.stderr.write(`\r\x1b[2K${msg}\n`);
    else process.stderr.write(`${msg}\n`);
    this.draw();
  }

  end(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty) process.stderr.write(`\r\x1b[2K${this.line()}\n`);
  }
}
