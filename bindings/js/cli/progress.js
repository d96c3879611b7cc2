/** A one-line progress bar for the command line: count, bytes, rate, ETA. */

function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export class ProgressBar {
  #stream;
  #lastDraw = 0;
  #last;

  constructor(stream, { width = 24 } = {}) {
    this.#stream = stream;
    this.width = width;
  }

  /** @param {{count: number, total: number, bytes: number, totalBytes: number, rate: number, etaSeconds?: number, deleted: number}} p */
  update(p) {
    this.#last = p;
    const now = Date.now();
    if (now - this.#lastDraw < 100 && p.count < p.total) return;  // at most 10 redraws a second
    this.#lastDraw = now;
    this.#stream.write(`\r${ProgressBar.line(p, this.width)}\x1b[K`);
  }

  done() {
    if (this.#last) this.#stream.write(`\r${ProgressBar.line(this.#last, this.width)}\x1b[K\n`);
  }

  /** The text of the bar, e.g. "[######------] 12/40 msgs  3.2 MB/10.1 MB  1.1 MB/s  ETA 6 s". */
  static line({ count, total, bytes, totalBytes, rate, etaSeconds, deleted }, width = 24) {
    const fraction = totalBytes > 0 ? Math.min(bytes / totalBytes, 1) : total > 0 ? count / total : 1;
    const filled = Math.round(fraction * width);
    const eta = etaSeconds === undefined ? '' : `  ETA ${Math.ceil(etaSeconds)} s`;
    const gone = deleted ? `  ${deleted} deleted` : '';
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${count}/${total} msgs  ${megabytes(bytes)}/${megabytes(totalBytes)}  ${megabytes(rate)}/s${eta}${gone}`;
  }
}
