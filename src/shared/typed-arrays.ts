type TypedArray = Uint8Array | Uint16Array | Int32Array | Float64Array;

/** A copy of `a` with room for `size` elements (the tables of memos and cubes grow by doubling). */
export function grown<T extends TypedArray>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
