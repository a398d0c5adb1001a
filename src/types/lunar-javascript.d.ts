// The few parts of lunar-javascript (the 寿星 calendar algorithms) that beatflow reads; the package ships no types.
declare module 'lunar-javascript' {
  interface Solar {
    toYmd(): string;
  }
  export class Lunar {
    static fromYmd(year: number, month: number, day: number): Lunar;
    getSolar(): Solar;
    getJieQiTable(): Record<string, Solar>;
  }
}
