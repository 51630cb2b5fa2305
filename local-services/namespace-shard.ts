// The vectors of one namespace packed into one Float32Array, row after row,
// with each row's inverse norm precomputed for cosine scoring.
import type { IndexedMetadata } from "./metadata-index";

const INITIAL_CAPACITY = 64;

export class NamespaceShard {
  size = 0;
  values: Float32Array;
  inverseNorms: Float32Array;
  readonly ids: string[] = [];
  readonly indexed: IndexedMetadata[] = [];
  private readonly rowOf = new Map<string, number>();

  constructor(readonly dimensions: number) {
    this.values = new Float32Array(INITIAL_CAPACITY * dimensions);
    this.inverseNorms = new Float32Array(INITIAL_CAPACITY);
  }

  set(id: string, values: Float32Array, indexed: IndexedMetadata): void {
    let row = this.rowOf.get(id);
    if (row === undefined) {
      this.grow();
      row = this.size++;
      this.rowOf.set(id, row);
    }
    this.values.set(values, row * this.dimensions);
    this.inverseNorms[row] = inverseNorm(values);
    this.ids[row] = id;
    this.indexed[row] = indexed;
  }

  /** Moves the last row into the hole, so rows stay packed. */
  remove(id: string): void {
    const row = this.rowOf.get(id);
    if (row === undefined) return;
    const last = this.size - 1;
    const lastId = this.ids[last];
    const lastIndexed = this.indexed[last];
    if (row !== last && lastId !== undefined && lastIndexed !== undefined) {
      this.values.copyWithin(row * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.inverseNorms[row] = this.inverseNorms[last] ?? 0;
      this.ids[row] = lastId;
      this.indexed[row] = lastIndexed;
      this.rowOf.set(lastId, row);
    }
    this.ids.length = last;
    this.indexed.length = last;
    this.rowOf.delete(id);
    this.size = last;
  }

  get(id: string): { values: Float32Array; indexed: IndexedMetadata } | undefined {
    const row = this.rowOf.get(id);
    const indexed = row === undefined ? undefined : this.indexed[row];
    if (row === undefined || !indexed) return undefined;
    return { values: this.values.slice(row * this.dimensions, (row + 1) * this.dimensions), indexed };
  }

  private grow(): void {
    const capacity = this.inverseNorms.length;
    if (this.size < capacity) return;
    const values = new Float32Array(capacity * 2 * this.dimensions);
    values.set(this.values);
    const norms = new Float32Array(capacity * 2);
    norms.set(this.inverseNorms);
    this.values = values;
    this.inverseNorms = norms;
  }
}

/** 0 for a zero vector, whose cosine with anything is then scored 0. */
function inverseNorm(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v * v;
  return sum === 0 ? 0 : 1 / Math.sqrt(sum);
}
