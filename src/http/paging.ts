import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { validationFailed } from '../shared/domain-error.js';

const LIMIT_MESSAGE = 'limit must be a whole number from 1 to 1000';

/**
 * A listing's `limit`, in digits only (1e2 or 0x10 are refused, not read as numbers); its range
 * is checked by `pageLimit`, so every listing refuses it in the same words.
 */
export const PageLimit = (items: string) =>
  applyDecorators(
    ApiPropertyOptional({ example: 100, description: `${items} per page, 1 to 1000 (default 100)` }),
    IsOptional(),
    Matches(/^\d{1,4}$/, { message: LIMIT_MESSAGE }),
  );

/** A listing's `cursor`: the `nextCursor` of a page, which the listing itself checks. */
export const PageCursor = (description = 'nextCursor of the previous page') =>
  applyDecorators(ApiPropertyOptional({ description }), IsOptional(), IsString());

/** The page size a `PageLimit` asked: 100 when left out. */
export function pageLimit(limit: string | undefined): number {
  const n = limit === undefined ? 100 : Number(limit);
  if (n < 1 || n > 1000) throw validationFailed('limit', LIMIT_MESSAGE);
  return n;
}
