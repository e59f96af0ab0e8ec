// The scan's time budget. Python's `regex` stops a slow pattern with a timeout;
// a JS RegExp cannot be stopped, so the engine checks the clock between rules
// and between matches instead.

export const clock = () => globalThis.performance?.now() ?? Date.now();

export class BudgetTimeout extends Error {
  constructor() {
    super('scan budget exhausted');
  }
}

export class Budget {
  constructor(budgetMs, ruleTimeoutMs) {
    this.deadline = clock() + Number(budgetMs);
    this.ruleTimeout = Number(ruleTimeoutMs);
  }

  /** Milliseconds one step (a rule's pattern, a context search) may still take. */
  timeout() {
    return Math.min(this.ruleTimeout, this.deadline - clock());
  }

  /** The clock() value a step starting now must end by; throws when none is left. */
  stepDeadline() {
    const remaining = this.timeout();
    if (remaining <= 0) throw new BudgetTimeout();
    return clock() + remaining;
  }
}
