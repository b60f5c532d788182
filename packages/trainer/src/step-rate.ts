/** Steps left out of the rate: the first ones (JIT compilation, first touches of memory) are slower than the rest. */
const WARMUP_STEPS = 5;

/** Steps per second measured from the first few steps of this process on, and the time left at that rate. */
export class StepRate {
  private from: { step: number; ms: number } | null = null;
  private latest: { step: number; ms: number } | null = null;

  constructor(private readonly firstStep: number) {}

  /** `step` steps are done at `ms` (performance.now()). */
  mark(step: number, ms: number): void {
    if (this.from === null) {
      if (step - this.firstStep >= WARMUP_STEPS) this.from = { step, ms };
      return;
    }
    this.latest = { step, ms };
  }

  /** Null until steps after the first few have been timed. */
  perSecond(): number | null {
    if (this.from === null || this.latest === null || this.latest.ms <= this.from.ms) return null;
    return ((this.latest.step - this.from.step) * 1000) / (this.latest.ms - this.from.ms);
  }

  secondsLeft(total: number): number | null {
    const rate = this.perSecond();
    if (rate === null || rate <= 0 || this.latest === null) return null;
    return Math.max(0, total - this.latest.step) / rate;
  }
}
