import { DatasetError, MAX_VALUES } from './types';

/** An append-only typed array that doubles as it fills, so a streamed file never sits in memory as text. */
export class GrowableArray<A extends Float32Array | Int32Array> {
  private data: A;
  length = 0;

  constructor(
    private readonly make: (n: number) => A,
    private readonly what: string,
  ) {
    this.data = make(1 << 12);
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }

  /** The values pushed so far, in an array of exactly that length. */
  toArray(): A {
    return this.data.slice(0, this.length) as A;
  }

  private grow(): void {
    if (this.data.length >= MAX_VALUES) {
      throw new DatasetError(`${this.what}: more than ${MAX_VALUES} values, larger than Epochlab can hold in memory`);
    }
    const bigger = this.make(Math.min(this.data.length * 2, MAX_VALUES));
    bigger.set(this.data);
    this.data = bigger;
  }
}
