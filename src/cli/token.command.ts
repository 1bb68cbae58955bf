import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../auth/principal.js';
import { TokenError, Tokens } from '../auth/tokens.js';
import { existingTokenSigningKey } from '../config/ledger-config.js';

export const TOKEN_USAGE = `ledger token --role <${ROLES.join('|')}> [--city <cityId>] [--park <parkId>] [--ttl 12h] [--sub <user>]

Prints a bearer token signed with the configured key (LEDGER_TOKEN_SIGNING_KEY, or the key file
in LEDGER_DATA_DIR, default ./data; the service creates that file on its first start, and without
it the command refuses rather than sign with a key no service knows). A city-officer needs --city, a park-clerk --park.
--ttl takes a number of seconds or a span like 30m, 12h, 7d (default 12h).
--sub names the user; it is recorded as the actor of everything they record (default: the role).`;

/** `ledger token`: issues a token for a role and its scope. */
export function tokenCommand(args: readonly string[]): number {
  const { values } = parseArgs({
    args: [...args],
    options: {
      role: { type: 'string' },
      city: { type: 'string' },
      park: { type: 'string' },
      ttl: { type: 'string', default: '12h' },
      sub: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${TOKEN_USAGE}\n`);
    return 0;
  }
  if (!values.role) throw new TokenError('--role is required');
  const ttl = /^\d+$/.test(values.ttl!) ? Number(values.ttl) : values.ttl!;
  // A span of zero would issue a token that is already expired.
  if (typeof ttl === 'string' ? !/^0*[1-9]\d*\s*(s|m|h|d|w|y)$/.test(ttl) : ttl < 1)
    throw new TokenError('--ttl must be a positive number of seconds or a span like 30m, 12h, 7d');
  const role = values.role as Role;
  const token = new Tokens(existingTokenSigningKey()).issue(
    {
      sub: values.sub ?? role,
      role,
      ...(values.city !== undefined ? { cityId: values.city } : {}),
      ...(values.park !== undefined ? { parkId: values.park } : {}),
    },
    ttl,
  );
  process.stdout.write(`${token}\n`);
  return 0;
}
