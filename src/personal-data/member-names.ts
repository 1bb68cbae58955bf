export const MEMBER_NAMES = Symbol('MemberNames');

/**
 * The one seam a member's name passes through on its way into and out of the log. Today it
 * keeps the name as given; per-member encryption with an erasable key replaces it here alone.
 */
export interface MemberNames {
  seal(memberId: string, name: string): Promise<string>;
  reveal(memberId: string, sealed: string): Promise<string>;
}

export const plainMemberNames: MemberNames = {
  seal: async (_memberId, name) => name,
  reveal: async (_memberId, sealed) => sealed,
};
