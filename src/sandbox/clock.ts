/**
 * The sandbox's one clock, injected into everything in the process (use cases, scheduler, outbox,
 * adapters, card rendering, the emulators): simulated time that runs at the speed of the wall clock and
 * is moved forward by the page's time controls. It never goes back, so slots and deadlines stay ordered.
 */
export class SandboxClock {
  /** simulated minus wall time, ms */
  private offset: number;

  constructor(start: Date = new Date()) {
    this.offset = start.getTime() - Date.now();
  }

  /** The simulated instant (an arrow, so it can be handed around as `now`). */
  readonly now = (): Date => new Date(Date.now() + this.offset);

  /** Milliseconds since the epoch, for the emulators that count in numbers. */
  readonly nowMs = (): number => Date.now() + this.offset;

  /** Moves simulated time to `at`; a moment in the past leaves the clock where it is. */
  moveTo(at: Date): void {
    const target = at.getTime() - Date.now();
    if (target > this.offset) this.offset = target;
  }
}
