// The scan's time budget, on a clock that tests can replace (milliseconds, like
// performance.now()). Python's `regex` stops a slow pattern with a timeout; a JS
// RegExp cannot be stopped, so the engine checks the clock before each rule,
// between matches, between candidates and while resolving overlaps. A deadline
// of Infinity means no budget at all: rule examples must pass on any machine.

export const systemClock = () => globalThis.performance?.now() ?? Date.now();

/** The scan budget ran out before a rule or a candidate was done ("budget"). */
export class BudgetSpent extends Error {
  constructor() {
    super('scan budget spent');
  }
}

/** One rule's pattern ran past its step deadline ("timeout"). */
export class BudgetTimeout extends Error {
  constructor() {
    super('rule timeout');
  }
}

/**
 * A deadline on `clock`. A rule's pattern, and then its candidates, each get a
 * budget of their own (forRule) that ends rule_timeout_ms later, or with the
 * scan's: running out of it throws BudgetTimeout ("timeout"), of the scan's
 * BudgetSpent ("budget"). No rule can use the whole budget and starve the next
 * ones. The twin of Budget in budget.py.
 */
export class Budget {
  constructor(deadline, ruleTimeoutMs, clock = systemClock, scanDeadline = deadline) {
    this.deadline = deadline;
    this.ruleTimeout = Number(ruleTimeoutMs);
    this.clock = clock;
    this.scanDeadline = scanDeadline;
    this.unlimited = deadline === Infinity;
  }

  /**
   * A budget from now: `deadline` (a clock() value) wins over `budgetMs`, which
   * wins over the bundle's budget_ms. The twin of Budget.start in budget.py.
   */
  static start(defaults, { budgetMs = null, deadline = null, clock = systemClock } = {}) {
    const ruleTimeout = Number(defaults.rule_timeout_ms);
    if (deadline !== null && deadline !== undefined) {
      return new Budget(Number(deadline), ruleTimeout, clock);
    }
    const budget = Number(budgetMs ?? defaults.budget_ms);
    if (Number.isNaN(budget) || budget < 0) {
      throw new RangeError('budgetMs must be a number >= 0 (or Infinity)');
    }
    if (budget === Infinity) return new Budget(Infinity, ruleTimeout, clock);
    return new Budget(clock() + budget, ruleTimeout, clock);
  }

  /** A budget for one step of a rule, from now (none when the scan has none). */
  forRule() {
    if (this.unlimited) return this;
    const ends = Math.min(this.deadline, this.clock() + this.ruleTimeout);
    return new Budget(ends, this.ruleTimeout, this.clock, this.scanDeadline);
  }

  /**
   * This budget one rule timeout later, for finishing what was found (resolving
   * overlaps is a binary search per candidate, far cheaper than finding it): a
   * scan that used up its budget still reports its findings.
   */
  withGrace() {
    return new Budget(this.deadline + this.ruleTimeout, this.ruleTimeout, this.clock);
  }

  outOfTime(now) {
    return now >= this.scanDeadline ? new BudgetSpent() : new BudgetTimeout();
  }

  /** Throws BudgetSpent (or BudgetTimeout, see above) once time is up. */
  check() {
    if (this.unlimited) return;
    const now = this.clock();
    if (now >= this.deadline) throw this.outOfTime(now);
  }

  /**
   * The clock() value one step (a rule's pattern, a context search) must end by;
   * throws like check() when no time is left.
   */
  stepDeadline() {
    if (this.unlimited) return Infinity;
    const now = this.clock();
    if (now >= this.deadline) throw this.outOfTime(now);
    return now + Math.min(this.ruleTimeout, this.deadline - now);
  }
}
