import { type LoggerService } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { pino, type Logger } from 'pino';

export const LOGGER = Symbol('Logger');

/**
 * Structured JSON logs on stdout. Request lines carry method, route, status, time and the
 * correlation id, never bodies or query strings (they may hold personal data).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'membership-ledger' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['personId', '*.personId', 'name', '*.name', 'req.headers.authorization'], censor: '[redacted]' },
    },
    destination,
  );
}

/** Nest's own log lines through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestWithContext extends Request {
  correlationId?: string;
}

/** Gives each request a correlation id (the client's, if well formed) and logs its outcome. */
export function requestLogging(logger: Logger) {
  return (req: RequestWithContext, res: Response, next: NextFunction) => {
    const given = req.header('x-correlation-id');
    req.correlationId = given !== undefined && CORRELATION_ID.test(given) ? given : randomUUID();
    res.setHeader('x-correlation-id', req.correlationId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      logger.info(
        {
          correlationId: req.correlationId,
          method: req.method,
          route: (req.route?.path as string | undefined) ?? req.path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  };
}
