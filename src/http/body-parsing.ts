import express, { type NextFunction, type Request, type Response } from 'express';
import { errorBody } from './error-response.js';

/**
 * JSON bodies only, up to `limit` bytes. A body of another type is 415; malformed JSON is 400;
 * an oversized body is 413; all in the contract's error shape, before any handler runs.
 */
export function jsonBodies(limit: number) {
  const parse = express.json({ limit, strict: true, type: () => true });
  return (req: Request, res: Response, next: NextFunction) => {
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
      if (!err) return next();
      const e =
        err.type === 'entity.too.large'
          ? errorBody('PAYLOAD_TOO_LARGE', `the body is larger than ${limit} bytes`)
          : errorBody('VALIDATION_FAILED', 'the body is not valid JSON', [{ field: 'body', messages: ['malformed JSON'] }]);
      res.status(e.statusCode).json(e);
    });
  };
}
