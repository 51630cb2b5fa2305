// The gate's one alarm, shared by the write-behind of its rate counters and
// that of its usage sums: each arms a look by the time it needs one, an armed
// look only ever moves earlier, and a look is never armed more than FLUSH_MS
// ahead, so the counters' bound holds whatever the usage asked for. The armed
// time is kept in memory: an admission that finds a look armed soon enough
// costs no storage call.

export interface LookStats {
  /** Alarm invocations (each a billed Durable Object request). */
  looks: number;
  /** setAlarm calls (each a storage write). */
  armed: number;
}

export class Looks {
  /** undefined: not read since the object started. */
  private armedAt: number | null | undefined;
  readonly stats: LookStats = { looks: 0, armed: 0 };

  constructor(private readonly storage: DurableObjectStorage) {}

  /** Makes sure a look happens by `at`. */
  async by(at: number): Promise<void> {
    if (this.armedAt === undefined) this.armedAt = await this.storage.getAlarm();
    if (this.armedAt !== null && this.armedAt <= at) return;
    await this.storage.setAlarm(at);
    this.armedAt = at;
    this.stats.armed++;
  }

  /** The alarm fired (the platform clears it) or was deleted. */
  ran(): void {
    this.armedAt = null;
    this.stats.looks++;
  }
}
