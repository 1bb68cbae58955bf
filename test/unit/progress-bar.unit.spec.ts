import { endProgressLine, ProgressBar } from '../../src/cli/progress.js';

/*
 * The CLI's progress bar on a stand-in terminal (a stream that says it is a TTY: jest's runs
 * have none) and on a pipe: whatever is printed after a bar, such as an error, starts a line of
 * its own.
 */

/** A stream that records what is written to it. */
function output(isTTY: boolean): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  return {
    isTTY,
    write: (chunk: string) => chunks.push(chunk) > 0,
    text: () => chunks.join(''),
  } as unknown as NodeJS.WriteStream & { text: () => string };
}

describe('ProgressBar', () => {
  it('given a bar redrawn in place on a terminal, when its line is ended for an error, then the error starts on a new line', () => {
    const terminal = output(true);
    const bar = new ProgressBar('rebuild', terminal);
    bar.update(10, 100);
    bar.update(20, 100);
    endProgressLine(terminal);
    terminal.write('ledger rebuild: ran out\n');
    const lines = terminal.text().split('\n');
    expect(lines.at(-2)).toBe('ledger rebuild: ran out');
    // The last redraw of the bar stays on its own line.
    expect(lines.at(-3)).toMatch(/\rrebuild \[#{5}\.{19}\]  20%[^\r]*$/);
  });

  it('given a bar that finished, when its line would be ended, then nothing more is written', () => {
    const terminal = output(true);
    const bar = new ProgressBar('import', terminal);
    bar.update(5, 10);
    bar.done('all done');
    const written = terminal.text();
    endProgressLine(terminal);
    expect(terminal.text()).toBe(written);
    expect(written.endsWith('import: all done\n')).toBe(true);
  });

  it('given a bar on a pipe, when drawn, then each update is a whole line and nothing is left to end', () => {
    const pipe = output(false);
    new ProgressBar('import', pipe).update(1, 10);
    const written = pipe.text();
    endProgressLine(pipe);
    expect(written).toMatch(/^import \[.*\]  10%.*\n$/);
    expect(pipe.text()).toBe(written);
  });
});
