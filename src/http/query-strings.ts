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
 * Either is refused, 400 naming each parameter, as an unknown field of a body is.
 */
export function queryStrings() {
  return (req: Request, res: Response, next: NextFunction) => {
    const at = req.url.indexOf('?');
    if (at < 0) return next();
    const command = req.method !== 'GET' && req.method !== 'HEAD';
    const names = [...new Set(new URLSearchParams(req.url.slice(at + 1)).keys())].filter(
      (name) => command || INHERITED_KEYS.has(name.replace(/\[.*$/, '')),
    );
    if (names.length === 0) return next();
    const e = errorBody(
      'VALIDATION_FAILED',
      'the request is not valid',
      names.map((field) => ({
        field,
        messages: [
          command
            ? `${field} is not taken in the query string: a command's fields go in its JSON body`
            : `property ${field} should not exist`,
        ],
      })),
    );
    res.status(e.statusCode).json(e);
  };
}
