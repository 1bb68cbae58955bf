import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { DomainError } from '../shared/domain-error.js';
import { StorageFailedError } from '../shared/sqlite-file.js';
import { LOGGER } from './logging.js';

/** The contract's error body; never a stack trace. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

const STATUS_BY_CODE: Record<string, number> = {
  VALIDATION_FAILED: 400,
  EMPTY_IMPORT: 400,
  IMPORT_HEADER_INVALID: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  TOO_MANY_REQUESTS: 429,
  NOT_FOUND: 404,
  REVISION_MISMATCH: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PROJECTION_BEHIND: 503,
  STORAGE_FAILED: 503,
  FIGURES_VERSION_MISMATCH: 503,
};

/** Rule refusals are 409 unless listed above. */
export function statusOf(code: string): number {
  return STATUS_BY_CODE[code] ?? HttpStatus.CONFLICT;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

export function errorBody(code: string, message: string, details?: unknown, status = statusOf(code)): ErrorBody {
  return { statusCode: status, code, message, ...(details !== undefined ? { details } : {}) };
}

/** Maps every error to the contract's shape: domain codes to statuses, the rest to 500. */
@Catch()
export class ErrorResponseFilter implements ExceptionFilter {
  private storageFailureLogged = false;

  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    res.status((this.toBody(error) as ErrorBody).statusCode).json(this.toBody(error));
  }

  private toBody(error: unknown): ErrorBody {
    if (error instanceof StorageFailedError && !this.storageFailureLogged) {
      // Once: from now on every request meets it, and /health says it too.
      this.storageFailureLogged = true;
      this.logger.error({ err: { type: error.name, message: error.message } }, 'storage failed: restart the service');
    }
    if (error instanceof DomainError) return errorBody(error.code, error.message, error.details);
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'REQUEST_REFUSED');
      const message = status === 404 ? 'no such resource' : status >= 500 ? 'internal error' : error.message;
      return errorBody(code, message, undefined, status);
    }
    // Only the error's kind and stack are logged: messages of low-level errors may echo input.
    this.logger.error({ err: { type: (error as Error)?.name, stack: (error as Error)?.stack } }, 'unhandled error');
    return errorBody('INTERNAL_ERROR', 'internal error', undefined, 500);
  }
}
