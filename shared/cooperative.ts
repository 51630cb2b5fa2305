// Long synchronous work written once, run either straight through or in slices.
//
// Locally every worker shares one workerd thread, and a request to the gateway
// is only read when that thread is idle: chunking a 4,500-chunk document in one
// go (1-3 s) held every poll and DELETE for that long. The work is a generator
// that `yield`s when it has spent a slice; runSteps ignores the yields (the
// synchronous API, same output), runStepsCooperatively awaits `pause` at each.
// The pause is a parameter: `shared/` cannot know how its caller yields.

/** Work that yields (nothing) between slices and returns a T. */
export type Steps<T> = Generator<void, T, void>;

/** How much work (in characters) one slice may do before the work yields. */
export class SliceBudget {
  private spent = 0;

  constructor(readonly sliceChars: number) {
    if (!(sliceChars > 0)) throw new RangeError(`sliceChars must be > 0, got ${sliceChars}`);
  }

  /** Counts `chars` of work done; true when the slice is used up (and starts the next). */
  spend(chars: number): boolean {
    this.spent += chars;
    if (this.spent < this.sliceChars) return false;
    this.spent = 0;
    return true;
  }
}

/** A budget that never ends a slice: for the straight-through run. */
export const unlimited = (): SliceBudget => new SliceBudget(Number.POSITIVE_INFINITY);

export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export async function runStepsCooperatively<T>(steps: Steps<T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}
