import type { GroupBy } from '../../../projections/figures/figures-index.js';
import type { FiguresView } from '../get-figures/get-figures.query.js';
import type { Every, SeriesView } from '../get-series/get-series.query.js';
import type { StatementView } from '../get-statement/get-statement.query.js';
import type { ChangesView } from '../explain-changes/explain-changes.query.js';

/** Header languages of an export. */
export const EXPORT_LANGS = ['en', 'zh'] as const;
export type ExportLang = (typeof EXPORT_LANGS)[number];

/**
 * `text` as it is; `count` an integer; `rate` a fraction (0.8536), shown as a percentage where the
 * format can; `number` any other figure, shown as it is.
 */
export type CellKind = 'text' | 'count' | 'rate' | 'number';
export type Cell = string | number | null;

export interface Column {
  /** Where the value comes from in the JSON answer (`byCategory.migrant`), for machines and tests. */
  readonly key: string;
  readonly label: string;
  readonly kind: CellKind;
}

/**
 * A report as one table: what it is about (`context`: scope, dates, knowledge instant, position)
 * and its rows. CSV and the sheet repeat the context as leading columns on every row, so each row
 * stands on its own; the text table prints it above the rows.
 */
export interface ReportTable {
  /** A short title, also the sheet's name (at most 31 characters). */
  readonly title: string;
  /** A file name without extension, ASCII only (`figures_park-p1_2016-06-30`). */
  readonly fileStem: string;
  readonly context: ReadonlyArray<Column & { readonly value: string | null }>;
  readonly columns: readonly Column[];
  readonly rows: ReadonlyArray<readonly Cell[]>;
}

type Labels = Record<ExportLang, string>;

const CONTEXT: Record<string, Labels> = {
  scope: { en: 'Scope', zh: '范围' },
  asOf: { en: 'As of', zh: '截至日期' },
  from: { en: 'From', zh: '起始日期' },
  to: { en: 'To', zh: '截止日期' },
  knownAt: { en: 'Known at', zh: '记录截至时点' },
  position: { en: 'Log position', zh: '日志位置' },
  groupBy: { en: 'Grouped by', zh: '分组方式' },
  every: { en: 'Every', zh: '周期' },
  since: { en: 'Since', zh: '起始时点' },
  until: { en: 'Until', zh: '截止时点' },
};

const EVERY: Record<Every, Labels> = {
  day: { en: 'day', zh: '日' },
  month: { en: 'month', zh: '月' },
  quarter: { en: 'quarter', zh: '季度' },
  year: { en: 'year', zh: '年' },
};

const GROUP_BY: Record<GroupBy, Labels> = {
  city: { en: 'city', zh: '设区市' },
  park: { en: 'park', zh: '园区' },
  category: { en: 'category', zh: '会员类别' },
};

/** The figures of a totals object, in the order columns appear; extra numeric fields follow, headed by their name. */
const FIGURES: ReadonlyArray<{ readonly key: string; readonly kind: CellKind; readonly label: Labels }> = [
  { key: 'members', kind: 'count', label: { en: 'Members', zh: '会员人数' } },
  { key: 'byCategory.regular', kind: 'count', label: { en: 'Regular members', zh: '普通职工会员' } },
  { key: 'byCategory.migrant', kind: 'count', label: { en: 'Migrant worker members', zh: '农民工会员' } },
  { key: 'byCategory.dispatched', kind: 'count', label: { en: 'Dispatched worker members', zh: '劳务派遣工会员' } },
  { key: 'employees', kind: 'count', label: { en: 'Employees', zh: '职工人数' } },
  { key: 'membershipRate', kind: 'rate', label: { en: 'Membership rate', zh: '入会率' } },
  { key: 'enterprises', kind: 'count', label: { en: 'Enterprises', zh: '企业数' } },
  { key: 'enterprisesWithUnion', kind: 'count', label: { en: 'Enterprises with a union', zh: '已建工会企业数' } },
  { key: 'unionEstablishmentRate', kind: 'rate', label: { en: 'Union establishment rate', zh: '企业建会率' } },
  { key: 'parks', kind: 'count', label: { en: 'Parks', zh: '园区数' } },
  { key: 'parksWithUnion', kind: 'count', label: { en: 'Parks with a union', zh: '已建工会园区数' } },
  { key: 'pendingTransfersIn', kind: 'count', label: { en: 'Pending transfers in', zh: '待确认转入' } },
  { key: 'pendingTransfersOut', kind: 'count', label: { en: 'Pending transfers out', zh: '待确认转出' } },
];

const GROUP: Labels = { en: 'Group', zh: '分组' };
/** Not a valid id (ids have no parentheses or Chinese characters), so it cannot be mistaken for a group. */
const TOTAL_ROW: Labels = { en: '(total)', zh: '合计' };

const CATEGORY: Record<string, Labels> = {
  regular: { en: 'regular workers', zh: '普通职工' },
  migrant: { en: 'migrant workers', zh: '农民工' },
  dispatched: { en: 'dispatched workers', zh: '劳务派遣工' },
};

const LEAVE_REASON: Record<string, Labels> = {
  'left-employment': { en: 'left employment', zh: '离职' },
  resigned: { en: 'resigned', zh: '退会' },
  retired: { en: 'retired', zh: '退休' },
  deceased: { en: 'deceased', zh: '去世' },
  expelled: { en: 'expelled', zh: '开除会籍' },
  'moved-out-of-province': { en: 'moved out of the province', zh: '迁出本省' },
};

const STATEMENT: Record<string, Labels> = {
  opening: { en: 'Opening members', zh: '期初会员数' },
  joined: { en: 'Joined', zh: '新入会' },
  left: { en: 'Left', zh: '离会' },
  transferredIn: { en: 'Transferred in', zh: '转入' },
  transferredOut: { en: 'Transferred out', zh: '转出' },
  internalTransfers: { en: 'Internal transfers', zh: '范围内转移' },
  categoryChange: { en: 'Category change', zh: '类别变更' },
  unionsEstablished: { en: 'Enterprise unions established', zh: '新建企业工会数' },
  closing: { en: 'Closing members', zh: '期末会员数' },
  item: { en: 'Item code', zh: '项目代码' },
  line: { en: 'Line item', zh: '项目' },
  count: { en: 'Count', zh: '数量' },
  total: { en: 'total', zh: '合计' },
};

/** An instant in UTC, ISO 8601 basic format, milliseconds only when there are some: `20160705T010000Z`. */
export const basicInstant = (instant: string): string =>
  new Date(instant).toISOString().replace(/[-:]/g, '').replace('.000Z', 'Z');

/** A report's context, each entry a text labelled from CONTEXT in the export's language. */
const contextOf = (
  lang: ExportLang,
  entries: ReadonlyArray<readonly [key: string, value: string | null]>,
): ReportTable['context'] => entries.map(([key, value]) => ({ key, label: CONTEXT[key][lang], kind: 'text', value }));

const label = (labels: Record<string, Labels>, key: string, lang: ExportLang) => labels[key]?.[lang] ?? key;
const fileSafe = (scope: string) => scope.replace(':', '-');
const byPath = (totals: object, key: string): unknown =>
  key
    .split('.')
    .reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), totals);

/** The figure columns the totals objects carry, in layout order, and a row's cells for them. */
function figureColumns(all: readonly object[], lang: ExportLang): { columns: Column[]; cells: (totals: object) => Cell[] } {
  const known = new Set(FIGURES.map((f) => f.key.split('.')[0]));
  // A figure the answer carries that this layout does not know yet still reaches the export.
  const extra = [...new Set(all.flatMap((t) => Object.keys(t)))]
    .filter((k) => !known.has(k) && all.some((t) => typeof (t as Record<string, unknown>)[k] === 'number'))
    .map((key) => ({ key, kind: 'number' as const, label: { en: key, zh: key } }));
  const figures = [...FIGURES, ...extra].filter((f) => all.some((t) => byPath(t, f.key) !== undefined));
  return {
    columns: figures.map((f) => ({ key: f.key, label: f.label[lang], kind: f.kind })),
    cells: (totals) =>
      figures.map((f) => {
        const v = byPath(totals, f.key);
        return typeof v === 'number' ? v : null;
      }),
  };
}

/** Figures: one row per group (when grouped), then the scope's total row. */
export function figuresTable(view: FiguresView, groupBy: GroupBy | undefined, lang: ExportLang): ReportTable {
  const { columns, cells } = figureColumns([view.totals, ...(view.groups ?? []).map((g) => g.totals)], lang);
  return {
    title: lang === 'zh' ? '会员统计' : 'Figures',
    fileStem: `figures_${fileSafe(view.scope)}_${view.asOf}${groupBy ? `_by-${groupBy}` : ''}`,
    context: contextOf(lang, [
      ['scope', view.scope],
      ['asOf', view.asOf],
      ['knownAt', view.knownAt],
      ['position', view.position],
      ...(groupBy ? [['groupBy', GROUP_BY[groupBy][lang]] as const] : []),
    ]),
    columns: [{ key: 'group', label: GROUP[lang], kind: 'text' }, ...columns],
    rows: [...(view.groups ?? []).map((g) => [g.key, ...cells(g.totals)]), [TOTAL_ROW[lang], ...cells(view.totals)]],
  };
}

/** A series: one row per point, the figures at the end of each period. */
export function seriesTable(view: SeriesView, lang: ExportLang): ReportTable {
  const { columns, cells } = figureColumns(
    view.points.map((p) => p.totals),
    lang,
  );
  return {
    title: lang === 'zh' ? '会员统计序列' : 'Series',
    fileStem: `series_${fileSafe(view.scope)}_${view.from}_${view.to}_${view.every}`,
    context: contextOf(lang, [
      ['scope', view.scope],
      ['every', EVERY[view.every][lang]],
      ['knownAt', view.knownAt],
      ['position', view.position],
    ]),
    columns: [{ key: 'asOf', label: CONTEXT.asOf[lang], kind: 'text' }, ...columns],
    rows: view.points.map((p) => [p.asOf, ...cells(p.totals)]),
  };
}

/** A statement: one row per line item, from the opening through every movement to the closing. */
export function statementTable(view: StatementView, lang: ExportLang): ReportTable {
  const s = (key: string) => STATEMENT[key][lang];
  const sep = lang === 'zh' ? '：' : ': ';
  const items: Array<[string, string, number]> = [
    ['opening', s('opening'), view.opening],
    ['joined.total', `${s('joined')}${sep}${s('total')}`, view.joined.total],
    ...Object.entries(view.joined.byCategory).map(([c, n]): [string, string, number] => [
      `joined.byCategory.${c}`,
      `${s('joined')}${sep}${label(CATEGORY, c, lang)}`,
      n,
    ]),
    ['left.total', `${s('left')}${sep}${s('total')}`, view.left.total],
    ...Object.entries(view.left.byReason).map(([r, n]): [string, string, number] => [
      `left.byReason.${r}`,
      `${s('left')}${sep}${label(LEAVE_REASON, r, lang)}`,
      n,
    ]),
    ['transferredIn', s('transferredIn'), view.transferredIn],
    ['transferredOut', s('transferredOut'), view.transferredOut],
    ['internalTransfers', s('internalTransfers'), view.internalTransfers],
    ...view.categoryChanges.map((c): [string, string, number] => [
      `categoryChanges.${c.from}->${c.to}`,
      `${s('categoryChange')}${sep}${label(CATEGORY, c.from, lang)} → ${label(CATEGORY, c.to, lang)}`,
      c.count,
    ]),
    ['unionsEstablished', s('unionsEstablished'), view.unionsEstablished],
    ['closing', s('closing'), view.closing],
  ];
  return {
    title: lang === 'zh' ? '会员变动' : 'Statement',
    fileStem: `statement_${fileSafe(view.scope)}_${view.from}_${view.to}`,
    context: contextOf(lang, [
      ['scope', view.scope],
      ['from', view.from],
      ['to', view.to],
      ['knownAt', view.knownAt],
      ['position', view.position],
    ]),
    columns: [
      { key: 'item', label: s('item'), kind: 'text' },
      { key: 'line', label: s('line'), kind: 'text' },
      { key: 'count', label: s('count'), kind: 'count' },
    ],
    rows: items.map(([key, text, n]) => [key, text, n]),
  };
}

const CHANGE: Record<string, Labels> = {
  line: { en: 'Line', zh: '行' },
  before: { en: 'before', zh: '变更前' },
  change: { en: 'change', zh: '变更' },
  after: { en: 'after', zh: '变更后' },
  eventId: { en: 'Event id', zh: '事件编号' },
  type: { en: 'Fact', zh: '事实类型' },
  memberId: { en: 'Member id', zh: '会员编号' },
  enterpriseId: { en: 'Enterprise id', zh: '企业编号' },
  parkId: { en: 'Park id', zh: '园区编号' },
  effectiveDate: { en: 'Effective date', zh: '生效日期' },
  voidedEventId: { en: 'Voided event id', zh: '被撤销事件编号' },
  recordedAt: { en: 'Recorded at', zh: '记录时间' },
  actor: { en: 'Recorded by', zh: '记录人' },
};
const CHANGE_FIELDS = [
  'eventId',
  'type',
  'memberId',
  'enterpriseId',
  'parkId',
  'effectiveDate',
  'voidedEventId',
  'recordedAt',
  'actor',
] as const;

/**
 * The changes between two knowledge instants as a reconciliation: the figures as known at
 * `since` (a `before` row), one row per fact or void with its effect on each figure, then the
 * figures as known at `until` (an `after` row). Each count column of the change rows sums to
 * after − before; rates have no effect of their own (empty).
 */
export function changesTable(view: ChangesView, lang: ExportLang): ReportTable {
  const c = (key: string) => CHANGE[key][lang];
  const { columns, cells } = figureColumns([view.before, view.after], lang);
  const none = CHANGE_FIELDS.map(() => null);
  return {
    title: lang === 'zh' ? '数据变更说明' : 'Changes',
    fileStem: `changes_${fileSafe(view.scope)}_${view.asOf}_${basicInstant(view.since)}_${basicInstant(view.until)}`,
    context: contextOf(lang, [
      ['scope', view.scope],
      ['asOf', view.asOf],
      ['since', view.since],
      ['until', view.until],
    ]),
    columns: [
      { key: 'line', label: c('line'), kind: 'text' },
      ...CHANGE_FIELDS.map((key): Column => ({ key, label: c(key), kind: 'text' })),
      ...columns,
    ],
    rows: [
      [c('before'), ...none, ...cells(view.before)],
      ...view.entries.map((e) => [
        c('change'),
        ...CHANGE_FIELDS.map((key) => e[key] ?? null),
        ...columns.map((col) => (col.kind === 'rate' ? null : col.key === 'members' ? e.effect : (e.effects[col.key] ?? 0))),
      ]),
      [c('after'), ...none, ...cells(view.after)],
    ],
  };
}

/** The context as leading columns, then the table's own: what CSV and the sheet show. */
export function flatten(table: ReportTable): { columns: Column[]; rows: Cell[][] } {
  const context = table.context.map(({ key, label, kind }) => ({ key, label, kind }));
  const values = table.context.map((c) => c.value);
  return { columns: [...context, ...table.columns], rows: table.rows.map((r) => [...values, ...r]) };
}
