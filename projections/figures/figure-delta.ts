import { CATEGORIES, type Category } from '../../src/membership/member.events.js';

/**
 * What a figure is made of. Stocks (members, employees, enterprises, parks, …) are summed over
 * effective dates up to `asOf`; flows (joined, left, transferred, …) over a statement's period.
 */
export type Measure =
  | 'members'
  | 'employees'
  | 'enterprises'
  | 'enterprisesWithUnion'
  | 'parks'
  | 'parksWithUnion'
  | 'joined'
  | 'left'
  | 'transferred'
  | 'categoryChanged'
  | 'unionEstablished'
  /** A transfer request pending (as known at an instant; dated at the earliest day, so every asOf sees it). */
  | 'pendingTransfer';

/**
 * One signed change of a figure on an effective date, at a place. `detail` is the category
 * (members, joined), the reason (left) or `from>to` (categoryChanged); transfers also name where
 * the member went.
 */
export interface FigureDelta {
  readonly measure: Measure;
  readonly date: string;
  readonly parkId: string;
  readonly enterpriseId: string | null;
  readonly detail: string | null;
  readonly toParkId: string | null;
  readonly toEnterpriseId: string | null;
  readonly amount: number;
}

export type Contribution = Omit<FigureDelta, 'amount'>;

/** Category changes that can happen (never to the same category), in a stable order. */
export const CATEGORY_PAIRS: ReadonlyArray<readonly [Category, Category]> = CATEGORIES.flatMap((from) =>
  CATEGORIES.filter((to) => to !== from).map((to) => [from, to] as const),
);

export const contributionKey = (c: Contribution): string =>
  // Concatenation rather than [].join: it runs for every contribution of every event on replay.
  c.measure +
  '|' +
  c.date +
  '|' +
  c.parkId +
  '|' +
  (c.enterpriseId ?? '') +
  '|' +
  (c.detail ?? '') +
  '|' +
  (c.toParkId ?? '') +
  '|' +
  (c.toEnterpriseId ?? '');
