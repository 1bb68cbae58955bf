import { toCsv, toCsvBytes } from '../../src/reporting/exports/csv.js';
import { figuresTable, type ReportTable } from '../../src/reporting/exports/report-table.js';
import { displayWidth, toTextTable } from '../../src/reporting/exports/text-table.js';
import type { FiguresView } from '../../src/reporting/get-figures/get-figures.query.js';

const park = (extra: object = {}): FiguresView => ({
  scope: 'park:p1',
  asOf: '2016-06-30',
  knownAt: '2016-07-05T01:00:00.000Z',
  position: '42',
  totals: {
    members: 3,
    byCategory: { regular: 1, migrant: 2, dispatched: 0 },
    employees: 6,
    membershipRate: 0.5,
    enterprises: 2,
    enterprisesWithUnion: 1,
    unionEstablishmentRate: 0.5,
    ...extra,
  },
});

describe('the table layout of a figures answer', () => {
  it('given totals with pendingTransfersIn/Out, then both get a column after the contract figures; without them, no such column', () => {
    const withPending = figuresTable(park({ pendingTransfersIn: 2, pendingTransfersOut: 0 }), undefined, 'en');
    expect(withPending.columns.map((c) => c.key).slice(-2)).toEqual(['pendingTransfersIn', 'pendingTransfersOut']);
    expect(withPending.rows).toEqual([['(total)', 3, 1, 2, 0, 6, 0.5, 2, 1, 0.5, 2, 0]]);
    expect(figuresTable(park({ pendingTransfersIn: 2 }), undefined, 'zh').columns.map((c) => c.label)).toContain('待确认转入');

    const without = figuresTable(park(), undefined, 'en');
    expect(without.columns.map((c) => c.key)).not.toContain('pendingTransfersIn');
    expect(without.columns.map((c) => c.key)).not.toContain('parks');
  });

  it('given a numeric figure the layout does not know, then it is still exported, headed by its JSON name', () => {
    const table = figuresTable(park({ newFigure: 7 }), undefined, 'zh');
    expect(table.columns.at(-1)).toEqual({ key: 'newFigure', label: 'newFigure', kind: 'number' });
    expect(table.rows[0].at(-1)).toBe(7);
  });

  it('given groups by category, then the group rows have members only and the other figures are empty', () => {
    const view: FiguresView = {
      ...park(),
      groups: [
        { key: 'regular', totals: { members: 1 } },
        { key: 'migrant', totals: { members: 2 } },
        { key: 'dispatched', totals: { members: 0 } },
      ],
    };
    const table = figuresTable(view, 'category', 'zh');
    expect(table.context.at(-1)).toMatchObject({ key: 'groupBy', label: '分组方式', value: '会员类别' });
    expect(table.rows.map((r) => r.slice(0, 3))).toEqual([
      ['regular', 1, null],
      ['migrant', 2, null],
      ['dispatched', 0, null],
      ['合计', 3, 1],
    ]);
  });
});

describe('CSV and text renderings', () => {
  const table: ReportTable = {
    title: 't',
    fileStem: 't',
    context: [{ key: 'scope', label: 'Scope', kind: 'text', value: 'park:p1' }],
    columns: [
      { key: 'name', label: 'Name, "quoted"', kind: 'text' },
      { key: 'rate', label: '入会率', kind: 'rate' },
    ],
    rows: [
      ['a\r\nb', 0.123456789],
      ['c', null],
    ],
  };

  it('given commas, quotes, line breaks and empty figures, then RFC 4180 fields after a byte order mark, CRLF records', () => {
    expect(toCsv(table)).toBe('\uFEFFScope,"Name, ""quoted""",入会率\r\npark:p1,"a\r\nb",0.123456789\r\npark:p1,c,\r\n');
  });

  it('given tables of 0 to 12 rows written 5 rows a turn, then the service’s CSV bytes are exactly the CLI’s text in UTF-8', async () => {
    for (let n = 0; n <= 12; n++) {
      const rows = Array.from({ length: n }, (_, i) => [`名${i}, "x"`, i % 3 === 0 ? null : i / 7]);
      const sized = { ...table, rows };
      expect((await toCsvBytes(sized, 5)).equals(Buffer.from(toCsv(sized), 'utf8'))).toBe(true);
    }
  });

  it('given Chinese headers, then the text table aligns by display width, numbers right, rates as percentages', () => {
    expect(displayWidth('入会率a')).toBe(7);
    const text = toTextTable({
      ...table,
      rows: [
        ['x', 0.5],
        ['long name', null],
      ],
    });
    expect(text.split('\n')).toEqual([
      'Scope  park:p1',
      '',
      'Name, "quoted"  入会率',
      '--------------  ------',
      'x               50.00%',
      'long name            -',
      '',
    ]);
  });
});
