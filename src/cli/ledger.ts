import { TokenError } from '../auth/tokens.js';
import { ConfigError } from '../config/ledger-config.js';
import { endProgressLine } from './progress.js';

/** A command: its usage and what runs it. */
interface Command {
  readonly usage: string;
  readonly run: (args: readonly string[]) => number | Promise<number>;
}

// Each command's module is loaded only when that command runs: `ledger rebuild` then carries
// neither Nest nor the EventStoreDB client (~40 MiB less resident).
const COMMANDS: Record<string, () => Promise<Command>> = {
  token: async () => {
    const m = await import('./token.command.js');
    return { usage: m.TOKEN_USAGE, run: m.tokenCommand };
  },
  rebuild: async () => {
    const m = await import('./rebuild.command.js');
    return { usage: m.REBUILD_USAGE, run: m.rebuildCommand };
  },
  figures: async () => {
    const m = await import('./report.command.js');
    return { usage: m.FIGURES_USAGE, run: m.figuresCommand };
  },
  statement: async () => {
    const m = await import('./report.command.js');
    return { usage: m.STATEMENT_USAGE, run: m.statementCommand };
  },
  changes: async () => {
    const m = await import('./report.command.js');
    return { usage: m.CHANGES_USAGE, run: m.changesCommand };
  },
  import: async () => {
    const m = await import('./import.command.js');
    return { usage: m.IMPORT_USAGE, run: m.importCommand };
  },
  generate: async () => {
    const m = await import('./generate.command.js');
    return { usage: m.GENERATE_USAGE, run: m.generateCommand };
  },
  backup: async () => {
    const m = await import('./backup.command.js');
    return { usage: m.BACKUP_USAGE, run: m.backupCommand };
  },
};

async function usage(): Promise<string> {
  const lines = await Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).usage.split('\n')[0]));
  return `usage: ledger <command> [options]\n\ncommands:\n${lines.map((l) => `  ${l}\n`).join('')}  help`;
}

/** The command line: `npx ledger <command>`. Bad input exits 2 with a message, never a stack. */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command !== undefined && Object.hasOwn(COMMANDS, command)) {
      const { run } = await COMMANDS[command]();
      return await run(args);
    }
    if (command === undefined || ['help', '--help', '-h'].includes(command)) {
      process.stdout.write(`${await usage()}\n`);
      return command === undefined ? 2 : 0;
    }
    process.stderr.write(`ledger: unknown command "${command}"\n${await usage()}\n`);
    return 2;
  } catch (error) {
    endProgressLine();
    const code = (error as { code?: string }).code;
    const badInput = error instanceof TokenError || error instanceof ConfigError || code?.startsWith('ERR_PARSE_ARGS');
    // A failure a command explains (code LEDGER_…): its message, no stack, exit 1.
    if (!badInput && !code?.startsWith('LEDGER_')) throw error;
    process.stderr.write(`ledger ${command}: ${(error as Error).message}\n`);
    return badInput ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
