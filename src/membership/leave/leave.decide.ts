import { notFound } from '../../shared/domain-error.js';
import { assertEffectiveDate } from '../../shared/effective-date.js';
import { type LeaveReason, type MemberLeft } from '../member.events.js';
import { admitTimeline, type MemberDecisionContext, withNewFact } from '../member.rules.js';
import { type MemberHistory } from '../member.timeline.js';

export interface LeaveInput {
  readonly memberId: string;
  readonly reason: LeaveReason;
  readonly effectiveDate: string;
}

export function decideLeave(input: LeaveInput, history: MemberHistory, ctx: MemberDecisionContext): MemberLeft[] {
  assertEffectiveDate(input.effectiveDate, ctx.today);
  if (history.facts.length === 0) throw notFound('Member', input.memberId);
  const event: MemberLeft = {
    type: 'MemberLeft',
    data: { memberId: input.memberId, reason: input.reason, effectiveDate: input.effectiveDate },
  };
  admitTimeline(withNewFact(history, event), ctx);
  return [event];
}
