import { isOpenOn } from '../../enterprises/enterprise.state.js';
import { DomainError, notFound } from '../../shared/domain-error.js';
import { assertEffectiveDate } from '../../shared/effective-date.js';
import { assertBornBefore, assertBornBy } from '../../shared/resident-id.js';
import { type Category, type MemberJoined, type PersonRef } from '../member.events.js';
import { admitTimeline, type MemberDecisionContext, withNewFact } from '../member.rules.js';
import { type MemberHistory } from '../member.timeline.js';

export interface JoinInput {
  readonly memberId: string;
  readonly person: PersonRef;
  /** The person's birth date, read from their resident ID number (which goes no further than the handler). */
  readonly birthDate: string;
  readonly name: string;
  readonly category: Category;
  readonly enterpriseId: string;
  readonly effectiveDate: string;
}

export function decideJoin(input: JoinInput, history: MemberHistory, ctx: MemberDecisionContext): MemberJoined[] {
  assertEffectiveDate(input.effectiveDate, ctx.today);
  assertBornBy(input.birthDate, ctx.today);
  assertBornBefore(input.birthDate, input.effectiveDate);
  const enterprise = ctx.enterprises.get(input.enterpriseId);
  if (!enterprise || enterprise.status !== 'registered') throw notFound('Enterprise', input.enterpriseId);
  if (!isOpenOn(enterprise, input.effectiveDate))
    throw new DomainError('ENTERPRISE_NOT_OPEN', `enterprise ${input.enterpriseId} is not open on ${input.effectiveDate}`);
  const someoneElse = history.facts.find(
    (f) => f.type === 'MemberJoined' && !f.voided && f.data.person.hash !== input.person.hash,
  );
  if (someoneElse) throw new DomainError('MEMBER_ID_TAKEN', `member id ${input.memberId} belongs to another person`);
  // Fields listed one by one: nothing the caller adds (a clear personId) can slip into the log.
  const event: MemberJoined = {
    type: 'MemberJoined',
    data: {
      memberId: input.memberId,
      person: { hash: input.person.hash, masked: input.person.masked },
      name: input.name,
      category: input.category,
      enterpriseId: input.enterpriseId,
      parkId: enterprise.parkId,
      effectiveDate: input.effectiveDate,
    },
  };
  admitTimeline(withNewFact(history, event), ctx);
  return [event];
}
