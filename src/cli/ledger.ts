import { TokenError } from '../auth/tokens.js';
import { ConfigError } from '../config/ledger-config.js';
import { GENERATE_USAGE, generateCommand } from './generate.command.js';
import { IMPORT_USAGE, importCommand } from './import.command.js';
import { REBUILD_USAGE, rebuildCommand } from './rebuild.command.js';
import { FIGURES_USAGE, figuresCommand, STATEMENT_USAGE, statementCommand } from './report.command.js';
import { TOKEN_USAGE, tokenCommand } from './token.command.js';

const USAGE = `usage: ledger <command> [options]

commands:
  ${TOKEN_USAGE.split('\n')[0]}
  ${REBUILD_USAGE.split('\n')[0]}
  ${FIGURES_USAGE.split('\n')[0]}
  ${STATEMENT_USAGE.split('\n')[0]}
  ${IMPORT_USAGE.split('\n')[0]}
  ${GENERATE_USAGE.split('\n')[0]}
  help`;

/** The command line: `npx ledger <command>`. Bad input exits 2 with a message, never a stack. */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'token':
        return tokenCommand(args);
      case 'rebuild':
        return await rebuildCommand(args);
      case 'figures':
        return await figuresCommand(args);
      case 'statement':
        return await statementCommand(args);
      case 'import':
        return await importCommand(args);
      case 'generate':
        return generateCommand(args);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`ledger: unknown command "${command}"\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    const known =
      error instanceof TokenError ||
      error instanceof ConfigError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!known) throw error;
    process.stderr.write(`ledger ${command}: ${(error as Error).message}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
