import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { DomainError } from '../shared/domain-error.js';
import { LEDGER_ID_PATTERN } from './validators.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalid = (field: string, message: string) =>
  new DomainError('VALIDATION_FAILED', 'the request is not valid', [{ field, messages: [message] }]);

/** Path ids follow the same pattern as body ids. */
@Injectable()
export class LedgerIdParam implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    const field = metadata.data ?? 'path';
    if (!LEDGER_ID_PATTERN.test(value)) throw invalid(field, `${field} must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`);
    return value;
  }
}

@Injectable()
export class EventIdParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw invalid('eventId', 'eventId must be a UUID');
    return value.toLowerCase();
  }
}
