import type { ParkLevel } from '../parks/park.events.js';
import { yearsBefore } from './calendar.js';
import { type SeededRandom } from './seeded-random.js';

export interface City {
  readonly cityId: string;
  readonly name: string;
  /** The first four digits of its counties' region codes (GB/T 2260). */
  readonly code: string;
  readonly provincialParks: number;
}

/** Jiangxi's 11 cities (设区市): one national park each and 83 provincial parks, 94 in all. */
export const CITIES: readonly City[] = [
  { cityId: 'nanchang', name: '南昌', code: '3601', provincialParks: 13 },
  { cityId: 'jingdezhen', name: '景德镇', code: '3602', provincialParks: 6 },
  { cityId: 'pingxiang', name: '萍乡', code: '3603', provincialParks: 5 },
  { cityId: 'jiujiang', name: '九江', code: '3604', provincialParks: 9 },
  { cityId: 'xinyu', name: '新余', code: '3605', provincialParks: 5 },
  { cityId: 'yingtan', name: '鹰潭', code: '3606', provincialParks: 4 },
  { cityId: 'ganzhou', name: '赣州', code: '3607', provincialParks: 12 },
  { cityId: 'jian', name: '吉安', code: '3608', provincialParks: 8 },
  { cityId: 'yichun', name: '宜春', code: '3609', provincialParks: 8 },
  { cityId: 'fuzhou', name: '抚州', code: '3610', provincialParks: 6 },
  { cityId: 'shangrao', name: '上饶', code: '3611', provincialParks: 7 },
];

const COUNTY_SUFFIXES = ['02', '03', '11', '21', '22', '23', '24', '81'];
/** Where workers from outside the province come from: counties of Hunan, Fujian, Guangdong, Hubei, Anhui, Sichuan, Henan. */
const OUTSIDE_REGIONS = ['430102', '430521', '350102', '350583', '441302', '420102', '340102', '510102', '412702'];

/** Region codes a person may come from: each city's counties (8 per city, in city order), then outside the province. */
export const REGIONS: readonly string[] = [...CITIES.flatMap((c) => COUNTY_SUFFIXES.map((s) => c.code + s)), ...OUTSIDE_REGIONS];
export const COUNTIES_PER_CITY = COUNTY_SUFFIXES.length;
export const OUTSIDE_REGION_COUNT = OUTSIDE_REGIONS.length;

const PARK_PLACES = [...'东西南北'].flatMap((a) => [...'城湖山港桥岭塘溪'].map((b) => a + b));
const FIRMS = [...'华鑫恒盛达丰泰源兴昌宏瑞博创信安康联嘉富'];
const TRADES = [
  '电子科技',
  '光伏材料',
  '机械制造',
  '纺织服装',
  '食品',
  '生物医药',
  '新材料',
  '汽车零部件',
  '建材',
  '物流',
  '化工',
  '家具',
  '照明电器',
  '有色金属',
  '陶瓷',
  '包装印刷',
];

/** The days that frame a synthetic history. */
export interface HistoryWindow {
  /** Earliest day anything is dated: parks register from here. */
  readonly first: number;
  /** Members of the opening stock joined from here. */
  readonly openingFrom: number;
  /** First day of the `years` simulated day by day. */
  readonly start: number;
  /** The last day (--end-date): nothing is dated after it. */
  readonly end: number;
}

/** Years of park history before the window (parks register 9-24 years before it starts). */
export const PARK_HISTORY_YEARS = 24;
export const OPENING_YEARS = 8;

export function historyWindow(end: number, years: number): HistoryWindow {
  const start = yearsBefore(end, years) + 1;
  return { first: yearsBefore(start, PARK_HISTORY_YEARS), openingFrom: yearsBefore(start, OPENING_YEARS), start, end };
}

export interface ParkPlan {
  readonly parkId: string;
  readonly name: string;
  readonly cityIndex: number;
  readonly level: ParkLevel;
  readonly registeredOn: number;
  readonly unionOn: number;
  /** Relative share of the enterprises. */
  readonly weight: number;
}

/** 94 parks: each city's national park first, then its provincial ones; all get a union, a few within the window. */
export function planParks(random: SeededRandom, w: HistoryWindow): ParkPlan[] {
  const parks: ParkPlan[] = [];
  const registerBy = yearsBefore(w.start, 9);
  CITIES.forEach((city, cityIndex) => {
    for (let k = 0; k <= city.provincialParks; k++) {
      const national = k === 0;
      const registeredOn = random.int(w.first, registerBy);
      const unionOn = random.chance(0.9)
        ? Math.min(registeredOn + random.int(0, 730), w.start - 1)
        : Math.min(random.int(w.start, w.start + 730), w.end);
      parks.push({
        parkId: national ? `${city.cityId}-national` : `${city.cityId}-p${String(k).padStart(2, '0')}`,
        name: national
          ? `${city.name}国家级经济技术开发区`
          : `${city.name}${PARK_PLACES[(cityIndex * 7 + k) % PARK_PLACES.length]}工业园区`,
        cityIndex,
        level: national ? 'national' : 'provincial',
        registeredOn,
        unionOn,
        weight: national ? 3 + 2 * random.next() : 0.5 + 1.5 * random.next(),
      });
    }
  });
  return parks;
}

/** Never (a day after every other). */
export const NEVER = 0x7fffffff;

/**
 * The enterprises, numbered in order of registration (`e000001` registers first). The first 90 %
 * register before the window (the opening stock), the rest within it; 72 % of the opening ones
 * found their union before the window; about 4 % close within it.
 */
export interface EnterprisePlan {
  readonly count: number;
  readonly park: Int32Array;
  readonly registeredOn: Int32Array;
  readonly closesOn: Int32Array;
  readonly unionOn: Int32Array;
  /** Day of the window's 365-day year on which the enterprise reports its headcount. */
  readonly reportDay: Uint16Array;
  readonly publicOwned: Uint8Array;
  readonly names: readonly string[];
}

export function planEnterprises(
  random: SeededRandom,
  parks: readonly ParkPlan[],
  count: number,
  w: HistoryWindow,
): EnterprisePlan {
  const opening = Math.round(count * 0.9);
  const totalWeight = parks.reduce((s, p) => s + p.weight, 0);
  const pickPark = () => {
    let r = random.next() * totalWeight;
    for (let p = 0; p < parks.length; p++) if ((r -= parks[p].weight) < 0) return p;
    return parks.length - 1;
  };
  const draft = Array.from({ length: count }, (_, k) => {
    const park = pickPark();
    const registeredOn =
      k < opening
        ? random.int(Math.max(parks[park].registeredOn + 30, yearsBefore(w.start, 16)), w.start - 90)
        : random.int(w.start + 10, w.end - 60);
    const unionOn = k < opening && random.chance(0.72) ? random.int(registeredOn, w.start - 1) : NEVER;
    return { park, registeredOn, unionOn, k };
  });
  draft.sort((a, b) => a.registeredOn - b.registeredOn || a.k - b.k);
  const plan: EnterprisePlan = {
    count,
    park: Int32Array.from(draft, (d) => d.park),
    registeredOn: Int32Array.from(draft, (d) => d.registeredOn),
    closesOn: new Int32Array(count).fill(NEVER),
    unionOn: Int32Array.from(draft, (d) => d.unionOn),
    reportDay: Uint16Array.from(draft, () => random.int(0, 364)),
    publicOwned: Uint8Array.from(draft, () => (random.chance(0.14) ? 1 : 0)),
    names: draft.map((d) => {
      const city = CITIES[parks[d.park].cityIndex];
      return `${city.name}${random.pick(FIRMS)}${random.pick(FIRMS)}${random.pick(TRADES)}有限公司`;
    }),
  };
  for (let k = Math.round(count * 0.04); k > 0; k--) {
    const e = random.int(0, count - 1);
    const from = Math.max(plan.registeredOn[e] + 365, w.start + 30);
    if (plan.closesOn[e] !== NEVER || from > w.end - 1) continue;
    plan.closesOn[e] = random.int(from, w.end - 1);
  }
  return plan;
}
