import { LaunchError } from '../errors.js';
import type { FailureInfo, Outcome } from './launcher-messages.js';
import { prepareAttempt, type Attempt, type LaunchSettings } from '../settings/launch-settings.js';

/** What to do next: start attempt n on this node, or end the job. */
export type Next = { kind: 'start'; attempt: Attempt } | { kind: 'finish' } | { kind: 'give-up'; reason: string | null; failure: FailureInfo | null };

/**
 * Who decides when the group (re)starts. One host decides alone (LocalAttempts); on several,
 * node 0's launcher decides for all (Coordinator), and the others follow it (Follower), so every
 * host restarts together, from the same attempt, or not at all.
 */
export interface Attempts {
  /** The next thing to do, once it is decided. */
  next(): Promise<Next>;
  /** The first worker of this node's group failed (the group is being stopped). */
  failing(failure: FailureInfo): void;
  /** Every worker of this node's group has ended. */
  ended(outcome: Outcome, failure: FailureInfo | null): void;
  /**
   * Calls `stop` when another node's failure stops this node's group (at once if that happened
   * before this attempt's group was started).
   */
  watch(stop: (reason: string) => void): void;
  close(): void;
}

/** The restart policy every kind applies: what follows an attempt that ended with `outcome`. */
export function afterAttempt(plan: LaunchSettings, attempt: number, outcome: Outcome, failure: FailureInfo | null): 'finish' | 'restart' | { reason: string | null } {
  if (outcome === 'done') return 'finish';
  if (outcome === 'interrupted' || failure === null) return { reason: null };
  if (attempt >= plan.maxRestarts) return { reason: plan.maxRestarts > 0 ? `giving up after ${plan.maxRestarts} restart(s)` : null };
  return 'restart';
}

/** One host: restarts as its own group ends. */
export class LocalAttempts implements Attempts {
  private decided: Promise<Next>;
  private attempt = 0;

  /** `first` is attempt 0, prepared (its port checked) before anything was written. */
  constructor(private readonly plan: LaunchSettings, first: Attempt) {
    this.decided = Promise.resolve({ kind: 'start', attempt: first });
  }

  next(): Promise<Next> {
    return this.decided;
  }

  failing(): void {
    // The group stops itself; there is nobody else to tell.
  }

  watch(): void {
    // Nobody else can stop this host's group.
  }

  ended(outcome: Outcome, failure: FailureInfo | null): void {
    const verdict = afterAttempt(this.plan, this.attempt, outcome, failure);
    if (verdict === 'finish') this.decided = Promise.resolve({ kind: 'finish' });
    else if (verdict !== 'restart') this.decided = Promise.resolve({ kind: 'give-up', reason: verdict.reason, failure });
    else this.decided = this.restart(failure);
  }

  close(): void {}

  private async restart(failure: FailureInfo | null): Promise<Next> {
    this.attempt++;
    try {
      return { kind: 'start', attempt: await prepareAttempt(this.plan, this.attempt, true) };
    } catch (e) {
      if (!(e instanceof LaunchError)) throw e;
      return { kind: 'give-up', reason: `cannot restart: ${e.message}`, failure };
    }
  }
}
