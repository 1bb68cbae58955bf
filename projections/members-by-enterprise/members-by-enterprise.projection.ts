import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import type { MemberJoined, MemberTransferred } from '../../src/membership/member.events.js';
import type { Stored } from '../../src/shared/ledger-event.js';
import type { Projection } from '../projection.js';

/**
 * Answers "which members were ever placed at enterprise E?", so that closing E can check each
 * of them. Rows are only ever added: a void or a back-dated fact is judged from the member's own
 * timeline by whoever reads the rows.
 */
export interface MemberAtEnterprise {
  readonly enterpriseId: string;
  readonly memberId: string;
}

export const membersByEnterprise: Projection<MemberAtEnterprise> = {
  name: 'members-by-enterprise',
  version: 1,
  table: 'members_by_enterprise',
  schema: `CREATE TABLE IF NOT EXISTS members_by_enterprise (
    enterprise_id TEXT NOT NULL,
    member_id     TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, member_id)
  ) WITHOUT ROWID`,
  columns: { enterpriseId: 'enterprise_id', memberId: 'member_id' },
  rowsFor(event: RecordedEvent): MemberAtEnterprise[] {
    switch (event.type) {
      case 'MemberJoined': {
        const e = event as Stored<MemberJoined>;
        return [{ enterpriseId: e.data.enterpriseId, memberId: e.data.memberId }];
      }
      case 'MemberTransferred': {
        const e = event as Stored<MemberTransferred>;
        return [{ enterpriseId: e.data.to.enterpriseId, memberId: e.data.memberId }];
      }
      default:
        return [];
    }
  },
};
