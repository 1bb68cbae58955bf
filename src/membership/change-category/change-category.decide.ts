import { DomainError, notFound } from '../../shared/domain-error.js';
import { assertEffectiveDate } from '../../shared/effective-date.js';
import { type Category, type MemberCategoryChanged } from '../member.events.js';
import { admitTimeline, type MemberDecisionContext, withNewFact } from '../member.rules.js';
import { type MemberHistory, standingAsOf } from '../member.timeline.js';

export interface ChangeCategoryInput {
  readonly memberId: string;
  readonly category: Category;
  readonly effectiveDate: string;
}

export function decideChangeCategory(
  input: ChangeCategoryInput,
  history: MemberHistory,
  ctx: MemberDecisionContext,
): MemberCategoryChanged[] {
  assertEffectiveDate(input.effectiveDate, ctx.today);
  if (history.facts.length === 0) throw notFound('Member', input.memberId);
  const standing = standingAsOf(history, input.effectiveDate);
  if (standing.status !== 'active')
    throw new DomainError('MEMBER_NOT_ACTIVE', `member ${input.memberId} is not active on ${input.effectiveDate}`);
  const event: MemberCategoryChanged = {
    type: 'MemberCategoryChanged',
    data: { memberId: input.memberId, from: standing.category, to: input.category, effectiveDate: input.effectiveDate },
  };
  admitTimeline(withNewFact(history, event), ctx);
  return [event];
}
