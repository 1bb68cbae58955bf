import type { NextFunction, Request, Response } from 'express';
import { errorBody } from './error-response.js';

/**
 * A command takes its fields in its JSON body (contract section 7), and no command route reads the
 * query string: a parameter there (`?commandId=…`, `?expectedRevision=…`) would be passed over,
 * losing the idempotency or the revision check its sender counted on. So it is refused, 400
 * naming each parameter, like an unknown field of a body or of a query.
 */
export function noQueryOnCommands() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const at = req.url.indexOf('?');
    if (at < 0) return next();
    const names = [...new Set(new URLSearchParams(req.url.slice(at + 1)).keys())];
    if (names.length === 0) return next();
    const e = errorBody(
      'VALIDATION_FAILED',
      'the request is not valid',
      names.map((field) => ({
        field,
        messages: [`${field} is not taken in the query string: a command's fields go in its JSON body`],
      })),
    );
    res.status(e.statusCode).json(e);
  };
}
