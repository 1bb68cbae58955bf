/** Longest line an import takes (bytes); a longer one is reported and skipped, never held whole. */
export const MAX_LINE_BYTES = 1 << 20;

/** A physical line of an import file (1-based number), or the fact that it was too long. */
export type RawLine =
  { readonly line: number; readonly text: string } | { readonly line: number; readonly tooLong: true; readonly bytes: number };

const NEWLINE = 0x0a;
const BOM = '\ufeff';

/**
 * Splits a byte stream into lines as it arrives (LF or CRLF, a UTF-8 BOM at the start dropped).
 * Memory stays bounded by the chunk size plus one line of at most `maxBytes`.
 */
export async function* linesOf(chunks: AsyncIterable<Buffer | string>, maxBytes = MAX_LINE_BYTES): AsyncGenerator<RawLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let line = 0;
  const take = (tail: Buffer): RawLine => {
    line++;
    const bytes = pendingBytes + tail.length;
    if (skipping || bytes > maxBytes) return { line, tooLong: true, bytes };
    const whole = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    let text = whole.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (line === 1 && text.startsWith(BOM)) text = text.slice(1);
    return { line, text };
  };
  for await (const chunk of chunks) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (let nl = buffer.indexOf(NEWLINE, start); nl !== -1; nl = buffer.indexOf(NEWLINE, start)) {
      yield take(buffer.subarray(start, nl));
      pending = [];
      pendingBytes = 0;
      skipping = false;
      start = nl + 1;
    }
    if (start < buffer.length) {
      const rest = buffer.subarray(start);
      pendingBytes += rest.length;
      if (pendingBytes > maxBytes) {
        // Too long already: keep counting its bytes, drop them.
        skipping = true;
        pending = [];
      } else pending.push(Buffer.from(rest));
    }
  }
  if (pendingBytes > 0 || skipping) yield take(Buffer.alloc(0));
}
