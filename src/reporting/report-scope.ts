import { Injectable } from '@nestjs/common';
import type { FiguresIndex, ScopeRef } from '../../projections/figures/figures-index.js';
import type { Caller } from '../auth/principal.js';
import { Scopes } from '../auth/scopes.js';
import { DomainError, validationFailed } from '../shared/domain-error.js';
import { LEDGER_ID_PATTERN } from '../http/validators.js';

export const SCOPE_PATTERN = /^(province|(city|park|enterprise):[A-Za-z0-9][A-Za-z0-9_.-]{0,63})$/;
export const SCOPE_EXAMPLE = 'province | city:<cityId> | park:<parkId> | enterprise:<enterpriseId>';

/** A scope as asked: its text, its kind, and its place in the index. */
export interface ResolvedScope {
  readonly text: string;
  readonly kind: 'province' | 'city' | 'park' | 'enterprise';
  readonly ref: ScopeRef;
}

/**
 * Resolves `scope` against the index and checks the caller may read it: the province is for
 * provincial roles (403 otherwise); a city, park or enterprise outside the caller's scope is
 * answered as not existing (404), like every read.
 */
@Injectable()
export class ReportScopes {
  constructor(private readonly scopes: Scopes) {}

  resolve(index: FiguresIndex, scope: string, caller: Caller): ResolvedScope {
    const [kind, id] = scope.split(':') as [ResolvedScope['kind'], string | undefined];
    if (!SCOPE_PATTERN.test(scope) || (id !== undefined && !LEDGER_ID_PATTERN.test(id)))
      throw validationFailed('scope', `scope must be ${SCOPE_EXAMPLE}`);
    if (kind === 'province') {
      this.scopes.assertProvince(caller, 'province figures');
      return { text: scope, kind, ref: { kind } };
    }
    const what = kind === 'city' ? 'City' : kind === 'park' ? 'Park' : 'Enterprise';
    const ref = index.scope(kind, id);
    if (!ref) throw new DomainError('NOT_FOUND', `${what} ${id} does not exist`, { [`${kind}Id`]: id });
    const place = index.placeOf(ref);
    this.scopes.assertRead(
      caller,
      [{ parkId: place.parkId ?? '', cityId: place.cityId ?? '' }],
      `${kind} ${id} figures`,
      what,
      id!,
    );
    return { text: scope, kind, ref };
  }
}
