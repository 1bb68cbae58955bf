import type { ExpectedFigures } from '../../src/synthetic-province/synthetic-province.js';

/** The counts of the generator's expected figures, as `GET /figures` totals carry them. */
export const generatedCounts = (e: ExpectedFigures) => ({
  members: e.members,
  byCategory: e.byCategory,
  employees: e.employees,
  enterprises: e.enterprises,
  enterprisesWithUnion: e.enterprisesWithUnion,
  parks: e.parks,
  parksWithUnion: e.parksWithUnion,
});

/** Figures totals equal to what the generator expects: the counts exactly, the rates to 12 places. */
export function expectGeneratedFigures(totals: Record<string, unknown>, e: ExpectedFigures): void {
  expect(totals).toMatchObject(generatedCounts(e));
  expect(totals.membershipRate).toBeCloseTo(e.membershipRate!, 12);
  expect(totals.unionEstablishmentRate).toBeCloseTo(e.unionEstablishmentRate!, 12);
}
