import { Controller, HttpCode, Inject, Injectable, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { Writes } from '../auth/access.decorators.js';
import { Scopes } from '../auth/scopes.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { type RequestMeta, Meta } from '../http/request-meta.js';
import { PersonClaims } from '../membership/person-claims.js';
import { MEMBER_KEYS, type MemberKeys } from '../personal-data/member-keys.port.js';
import { PERSON_IDENTITY, PersonIdentity } from '../personal-data/person-identity.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { DomainError } from '../shared/domain-error.js';
import { linesOf } from './import-lines.js';
import { csvRecords, ndjsonRecords } from './import-records.js';
import { type ImportAnswer, LedgerImport } from './ledger-import.js';

/** The media types an import body may have, and how each is read. */
const READERS = {
  'application/x-ndjson': ndjsonRecords,
  'application/ndjson': ndjsonRecords,
  'text/csv': csvRecords,
} as const;

/** One import at a time in this process: each keeps its own state in memory. */
@Injectable()
export class ImportRunner {
  private running = false;
  private readonly engine: LedgerImport;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(MEMBER_KEYS) keys: MemberKeys,
    @Inject(PERSON_IDENTITY) identity: PersonIdentity,
    @Inject(CLOCK) clock: Clock,
    claims: PersonClaims,
    private readonly scopes: Scopes,
  ) {
    this.engine = new LedgerImport({ store, keys, identity, claims, clock });
  }

  async run(req: Request, meta: RequestMeta): Promise<ImportAnswer> {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const read = READERS[type as keyof typeof READERS];
    if (!read)
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'an import body must be application/x-ndjson or text/csv', {
        contentType: type || null,
      });
    if (this.running)
      throw new DomainError('IMPORT_RUNNING', 'another import is running in this service; try again when it ends');
    this.running = true;
    try {
      return await this.engine.run(read(linesOf(req)), {
        caller: { ...meta, onDenied: (target, reason) => this.scopes.recordDenial(meta, target, reason) },
      });
    } finally {
      this.running = false;
    }
  }
}

@ApiTags('imports')
@Controller('imports')
export class ImportFileHttp {
  constructor(private readonly imports: ImportRunner) {}

  @Writes()
  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Bulk import: one command a line (contract section 9), read as it streams in',
    description:
      'NDJSON (application/x-ndjson), one REST body plus "command" a line, or CSV (text/csv) with a header row of field names ' +
      "or their Chinese headers. Lines are applied in order under the API rules and the caller's scope; a bad line is " +
      "reported with its number, code, message and the API's details for the same refusal, and the others go on. " +
      'A line without commandId gets one derived from its content, ' +
      'so sending the same file again records nothing new. A line may hold at most 1 MiB.',
  })
  @ApiConsumes('application/x-ndjson', 'text/csv')
  @ApiBody({
    schema: {
      type: 'string',
      example:
        '{"command":"registerPark","parkId":"p1","name":"高新区","cityId":"nanchang","level":"national","effectiveDate":"2015-03-01"}',
    },
  })
  @ApiOkResponse({
    description:
      '{ accepted, duplicates, rejected, errors: [{ line, code, message, details? }], errorsOmitted, position, recordedAt }',
  })
  @ApiBadRequestResponse({
    description: 'EMPTY_IMPORT, or IMPORT_HEADER_INVALID (a CSV header with unknown, repeated or missing columns)',
  })
  @ApiConflictResponse({ description: 'IMPORT_RUNNING: another import runs in this service' })
  @ApiUnsupportedMediaTypeResponse({ description: 'The body is neither application/x-ndjson nor text/csv' })
  import(@Req() req: Request, @Meta() meta: RequestMeta): Promise<ImportAnswer> {
    return this.imports.run(req, meta);
  }
}
