/** Terminals a bar was drawn on in place and not yet ended. */
const openLines = new Set<NodeJS.WritableStream>();

/** Ends a bar's line left open on the terminal, so that what is printed next (an error) starts a line of its own. */
export function endProgressLine(out: NodeJS.WriteStream = process.stderr): void {
  if (openLines.delete(out)) out.write('\n');
}

/** A progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise. */
export class ProgressBar {
  private readonly started = Date.now();
  private lastLine = 0;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  /**
   * `done` of `total` (the bar and the ETA); `counted`, when given, is what the line shows and
   * rates instead (an import measures progress in bytes but reports lines).
   */
  update(done: number, total: number, unit = 'events', counted?: { count: number; unit: string }): void {
    const now = Date.now();
    if (!this.out.isTTY && now - this.lastLine < 2000 && done < total) return;
    this.lastLine = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const eta = rate > 0 && total > done ? Math.ceil((total - done) / rate) : 0;
    const bar = '#'.repeat(Math.round(share * 24)).padEnd(24, '.');
    const amount = counted
      ? `${counted.count.toLocaleString('en')} ${counted.unit}  ${Math.round(seconds > 0 ? counted.count / seconds : 0).toLocaleString('en')} ${counted.unit}/s`
      : `${done.toLocaleString('en')}/${total.toLocaleString('en')} ${unit}  ${Math.round(rate).toLocaleString('en')}/s`;
    const line = `${this.label} [${bar}] ${(share * 100).toFixed(0).padStart(3)}%  ${amount}  ETA ${eta}s`;
    if (this.out.isTTY) openLines.add(this.out);
    this.out.write(this.out.isTTY ? `\r${line}\u001b[K` : `${line}\n`);
  }

  done(message: string): void {
    openLines.delete(this.out);
    this.out.write(`${this.out.isTTY ? '\r\u001b[K' : ''}${this.label}: ${message}\n`);
  }
}
