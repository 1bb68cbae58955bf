import { DomainError, notFound } from '../../shared/domain-error.js';
import { assertEffectiveDate } from '../../shared/effective-date.js';
import { type MemberTransferred } from '../member.events.js';
import { admitTimeline, type MemberDecisionContext, withNewFact } from '../member.rules.js';
import { type MemberHistory, standingAsOf } from '../member.timeline.js';

export interface TransferInput {
  readonly memberId: string;
  readonly toEnterpriseId: string;
  readonly effectiveDate: string;
  readonly transferId?: string;
}

export function decideTransfer(input: TransferInput, history: MemberHistory, ctx: MemberDecisionContext): MemberTransferred[] {
  assertEffectiveDate(input.effectiveDate, ctx.today);
  if (history.facts.length === 0) throw notFound('Member', input.memberId);
  const target = ctx.enterprises.get(input.toEnterpriseId);
  if (!target || target.status !== 'registered') throw notFound('Enterprise', input.toEnterpriseId);
  const standing = standingAsOf(history, input.effectiveDate);
  if (standing.status !== 'active')
    throw new DomainError('MEMBER_NOT_ACTIVE', `member ${input.memberId} is not active on ${input.effectiveDate}`);
  const event: MemberTransferred = {
    type: 'MemberTransferred',
    data: {
      memberId: input.memberId,
      from: standing.placement,
      to: { enterpriseId: input.toEnterpriseId, parkId: target.parkId },
      ...(input.transferId !== undefined ? { transferId: input.transferId } : {}),
      effectiveDate: input.effectiveDate,
    },
  };
  admitTimeline(withNewFact(history, event), ctx);
  return [event];
}
