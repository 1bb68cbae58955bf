import type { ServerResponse } from 'node:http';

/**
 * `Server-Timing: app;dur=<ms>` on every answer (W3C Server Timing): the time from the request
 * reaching the app to its head being written, so a client (or the benchmark) can tell the
 * service's own time from the network's and its own. A streamed answer (an export, an import's
 * lines) counts to its first byte. Registered first, so it covers every other middleware.
 */
export function serverTiming() {
  return (_req: unknown, res: ServerResponse, next: () => void) => {
    const started = process.hrtime.bigint();
    const writeHead = res.writeHead;
    // Node writes every head through writeHead (an implicit one too), with the headers still open.
    res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
      if (!this.headersSent)
        this.setHeader('server-timing', `app;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2)}`);
      return writeHead.apply(this, args);
    } as ServerResponse['writeHead'];
    next();
  };
}
