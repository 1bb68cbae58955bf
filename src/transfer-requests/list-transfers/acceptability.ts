import type { EventStore } from '../../event-store/event-store.port.js';
import { readEnterprises } from '../../enterprises/enterprise.reader.js';
import type { MemberDecisionContext } from '../../membership/member.rules.js';
import type { MemberHistory } from '../../membership/member.timeline.js';
import { enterprisesOf, readMember } from '../../membership/member.reader.js';
import { DomainError } from '../../shared/domain-error.js';
import { decideAcceptTransfer } from '../accept-transfer/accept-transfer.decide.js';
import type { OpenedRequest } from '../transfer-request.rules.js';

/**
 * Whether accepting a pending request now, on its own date, would be recorded; if not, the code
 * the acceptance would answer and the rule's message. `null` for a request that is not pending.
 */
export type Acceptability =
  | { readonly acceptable: true; readonly blockedBy: null }
  | { readonly acceptable: false; readonly blockedBy: { readonly code: string; readonly message: string } }
  | { readonly acceptable: null; readonly blockedBy: null };

const NOT_PENDING: Acceptability = { acceptable: null, blockedBy: null };

/** Asks the acceptance's own decider, so the list and the acceptance never disagree. */
export function acceptabilityOf(request: OpenedRequest, history: MemberHistory, ctx: MemberDecisionContext): Acceptability {
  if (request.status !== 'pending') return NOT_PENDING;
  try {
    const decision = decideAcceptTransfer({ transferId: request.request.transferId }, request, history, ctx);
    if (decision.kind === 'refused') return blocked(decision.error);
    return { acceptable: true, blockedBy: null };
  } catch (error) {
    // A refusal that would fail the acceptance without ending the request blocks it all the same.
    if (error instanceof DomainError) return blocked(error);
    throw error;
  }
}

const blocked = (error: DomainError): Acceptability => ({
  acceptable: false,
  blockedBy: { code: error.code, message: error.message },
});

/**
 * The acceptability of each of these requests (one page), from the member and enterprise streams
 * as stored now: one read per distinct member of a pending request and per enterprise they name.
 */
export async function readAcceptability(
  store: EventStore,
  requests: readonly OpenedRequest[],
  today: string,
): Promise<(request: OpenedRequest) => Acceptability> {
  const pending = requests.filter((r) => r.status === 'pending').map((r) => r.request);
  const memberIds = [...new Set(pending.map((r) => r.memberId))];
  const histories = new Map(await Promise.all(memberIds.map(async (id) => [id, await readMember(store, id)] as const)));
  const enterprises = await readEnterprises(store, [
    ...[...histories.values()].flatMap(enterprisesOf),
    ...pending.map((r) => r.to.enterpriseId),
  ]);
  return (r) => {
    const history = histories.get(r.request.memberId);
    return r.status === 'pending' && history ? acceptabilityOf(r, history, { today, enterprises }) : NOT_PENDING;
  };
}
