import type { NextFunction, Request, Response } from 'express';
import { INHERITED_KEYS } from './body-parsing.js';
import { errorBody } from './error-response.js';

/**
 * What a query string may carry, checked before anything else reads it:
 * - A command takes its fields in its JSON body (contract section 7), and no command route reads
 *   the query string: a parameter there (`?commandId=…`, `?expectedRevision=…`) would be passed
 *   over, losing the idempotency or the revision check its sender counted on.
 * - A query's parameters are checked by its route, but names like `__proto__` or `constructor` are
 *   dropped by the query parser before any route sees them, so they would be passed over too.
 * - A query's parameter given twice (`limit=1&limit=2`) reaches its route as a list, which its
 *   checks then refuse in words about the value, not about the repetition.
 * Each is refused, 400 naming each parameter, as an unknown field of a body is.
 */
export function queryStrings() {
  return (req: Request, res: Response, next: NextFunction) => {
    const at = req.url.indexOf('?');
    if (at < 0) return next();
    const command = req.method !== 'GET' && req.method !== 'HEAD';
    const times = new Map<string, number>();
    for (const name of new URLSearchParams(req.url.slice(at + 1)).keys()) times.set(name, (times.get(name) ?? 0) + 1);
    const problem = (name: string, n: number): string | undefined =>
      command
        ? `${name} is not taken in the query string: a command's fields go in its JSON body`
        : INHERITED_KEYS.has(name.replace(/\[.*$/, ''))
          ? `property ${name} should not exist`
          : n > 1
            ? `${name} is given ${n} times: give it once`
            : undefined;
    const problems = [...times].flatMap(([field, n]) => {
      const message = problem(field, n);
      return message === undefined ? [] : [{ field, messages: [message] }];
    });
    if (problems.length === 0) return next();
    const e = errorBody('VALIDATION_FAILED', 'the request is not valid', problems);
    res.status(e.statusCode).json(e);
  };
}
