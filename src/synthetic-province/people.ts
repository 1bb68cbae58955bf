import { DayNames } from './calendar.js';
import { mix32 } from './seeded-random.js';

const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
const GIVEN_MALE = [...'伟强磊军勇杰涛明超辉刚平鹏华飞斌波建国志文龙海峰俊宇浩晨亮成林东兵春'];
const GIVEN_FEMALE = [...'芳娟敏静丽艳娜霞秀英玲燕萍红梅琳莉兰凤洁琴婷雪慧倩颖晶云丹'];
const GIVEN_ANY = [...'小晓金新永红春德嘉子佳思欣文宏福'];

/** ISO 7064 MOD 11-2 over the first 17 digits: weights 2^(17-i) mod 11, check value (12 - sum mod 11) mod 11, 10 written X. */
export function mod11_2CheckChar(first17: string): string {
  let sum = 0;
  let weight = 1;
  for (let i = 16; i >= 0; i--) {
    weight = (weight * 2) % 11;
    sum += (first17.charCodeAt(i) - 48) * weight;
  }
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** Slots per (region, birth day, sex): the sequence's last digit is odd for men, even for women. */
const SLOTS = 499;

/**
 * The people of the province: where each comes from, when they were born, their sex, and so
 * their 18-character resident ID number (GB 11643). A person's number is unique: the sequence
 * number is drawn from a per-(region, birth day, sex) counter through a permutation, so no two
 * people share one and no set of issued numbers has to be kept. Names derive from the person's
 * index, so they take no memory either.
 */
export class People {
  private readonly region: Uint8Array;
  private readonly birth: Int32Array;
  private readonly seq: Uint16Array;
  private readonly male: Uint8Array;
  private readonly issued: Uint16Array;
  private readonly birthNames: DayNames;
  count = 0;

  constructor(
    capacity: number,
    private readonly regions: readonly string[],
    private readonly firstBirthDay: number,
    private readonly lastBirthDay: number,
    private readonly salt: number,
  ) {
    this.region = new Uint8Array(capacity);
    this.birth = new Int32Array(capacity);
    this.seq = new Uint16Array(capacity);
    this.male = new Uint8Array(capacity);
    this.issued = new Uint16Array(regions.length * (lastBirthDay - firstBirthDay + 1) * 2);
    this.birthNames = new DayNames(firstBirthDay, lastBirthDay);
  }

  /** A new person; a full (region, birth day, sex) moves the birth a day later. */
  add(regionIndex: number, birthDay: number, male: boolean): number {
    let day = Math.min(Math.max(birthDay, this.firstBirthDay), this.lastBirthDay);
    for (;;) {
      const bucket =
        (regionIndex * (this.lastBirthDay - this.firstBirthDay + 1) + (day - this.firstBirthDay)) * 2 + (male ? 1 : 0);
      const k = this.issued[bucket];
      if (k < SLOTS) {
        this.issued[bucket] = k + 1;
        const q = this.count++;
        this.region[q] = regionIndex;
        this.birth[q] = day;
        this.male[q] = male ? 1 : 0;
        const j = 1 + ((k * 397 + (mix32(bucket ^ this.salt) % SLOTS)) % SLOTS);
        this.seq[q] = j * 2 + (male ? 1 : 0);
        return q;
      }
      day = day < this.lastBirthDay ? day + 1 : this.firstBirthDay;
    }
  }

  residentId(q: number): string {
    const first17 =
      this.regions[this.region[q]] + this.birthNames.iso(this.birth[q]).replace(/-/g, '') + String(this.seq[q]).padStart(3, '0');
    return first17 + mod11_2CheckChar(first17);
  }

  /** A two- or three-character Chinese name, fixed for the person (a rejoin carries the same one). */
  name(q: number): string {
    const h = mix32(q ^ this.salt);
    const given = this.male[q] ? GIVEN_MALE : GIVEN_FEMALE;
    const surname = SURNAMES[h % SURNAMES.length];
    const last = given[(h >>> 8) % given.length];
    const form = (h >>> 16) % 10;
    if (form < 3) return surname + last;
    const middle = form < 6 ? GIVEN_ANY[(h >>> 20) % GIVEN_ANY.length] : given[(h >>> 20) % given.length];
    return surname + middle + last;
  }

  birthDay(q: number): number {
    return this.birth[q];
  }

  /** Statutory retirement age: 60 for men, 50 for women workers. */
  retirementAge(q: number): number {
    return this.male[q] ? 60 : 50;
  }
}
