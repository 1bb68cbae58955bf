import express, { type NextFunction, type Request, type Response } from 'express';
import { errorBody } from './error-response.js';

/**
 * JSON bodies only, up to `limit` bytes. A body of another type is 415; malformed JSON is 400;
 * an oversized body is 413; all in the contract's error shape, before any handler runs.
 */
export function jsonBodies(limit: number) {
  const parse = express.json({ limit, strict: true, type: () => true });
  return (req: Request, res: Response, next: NextFunction) => {
    // An import streams its body line by line (POST /imports reads it; nothing buffers it whole).
    if (req.method === 'POST' && req.path === IMPORT_PATH) return next();
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) {
      req.body = {};
      return next();
    }
    if (!req.is('application/json')) {
      const e = errorBody('UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json');
      return res.status(e.statusCode).json(e);
    }
    parse(req, res, (err?: { type?: string; status?: number }) => {
      if (!err) {
        const problem = bodyShapeProblem(req.body);
        if (problem === undefined) return next();
        const e = errorBody('VALIDATION_FAILED', 'the request is not valid', [problem]);
        return res.status(e.statusCode).json(e);
      }
      const e =
        err.type === 'entity.too.large'
          ? errorBody('PAYLOAD_TOO_LARGE', `the body is larger than ${limit} bytes`)
          : errorBody('VALIDATION_FAILED', 'the body is not valid JSON', [{ field: 'body', messages: ['malformed JSON'] }]);
      res.status(e.statusCode).json(e);
    });
  };
}

const IMPORT_PATH = '/imports';

export const MAX_JSON_DEPTH = 16;
/** Names of Object.prototype's members (`__proto__`, `constructor`, `toString`, …). */
export const INHERITED_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Keys named like Object.prototype members (`__proto__`, `constructor`, `toString`, …) slip past
 * the unknown-field check and can pollute prototypes; deep nesting only serves to exhaust the
 * stack. Both are refused before validation.
 */
export function bodyShapeProblem(value: unknown, path = '', depth = 0): { field: string; messages: string[] } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_JSON_DEPTH)
    return { field: path || 'body', messages: [`the body is nested deeper than ${MAX_JSON_DEPTH} levels`] };
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (INHERITED_KEYS.has(key)) return { field, messages: [`property ${key} should not exist`] };
    const inner = bodyShapeProblem((value as Record<string, unknown>)[key], field, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}
