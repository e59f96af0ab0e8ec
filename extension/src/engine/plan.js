// Which rules a scan visits, found from its anchors instead of by trying each.
// The twin of backend/postguard/engine/plan.py: rules that detect alike form one
// group (searched once per scan), and groups are indexed once by keyword, by the
// digit-run length they need, and those that always run.
import { KeywordFinder } from './anchors.js';

export class ScanPlan {
  constructor(rules) {
    const byKey = new Map();
    for (const rule of rules) {
      if (!byKey.has(rule.detectionKey)) byKey.set(rule.detectionKey, []);
      byKey.get(rule.detectionKey).push(rule);
    }
    // In the order of each group's first rule (Maps keep insertion order).
    this.groups = [...byKey.values()];
    const byKeyword = new Map();
    const byDigits = [];
    this.always = [];
    this.groups.forEach(([rule], index) => {
      if (rule.keywords.length) {
        for (const keyword of rule.keywords) {
          if (!byKeyword.has(keyword)) byKeyword.set(keyword, []);
          byKeyword.get(keyword).push(index);
        }
      } else if (rule.minDigits) byDigits.push([rule.minDigits, index]);
      else this.always.push(index);
    });
    this.byKeyword = byKeyword;
    this.byDigits = byDigits.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.finder = new KeywordFinder([...byKeyword.keys()]);
    // Runs shorter than every rule needs are never counted.
    const needs = this.groups.filter(([r]) => r.minDigits).map(([r]) => r.minDigits);
    this.minDigits = needs.length ? Math.min(...needs) : 0;
  }

  /** The groups with an anchor in the text, in the plan's order. A keyword rule
   * with min_digits also needs a long enough digit run. */
  select(hits, longestRun) {
    const chosen = new Set(this.always);
    for (const keyword of hits.keys()) {
      for (const index of this.byKeyword.get(keyword)) chosen.add(index);
    }
    for (const [minDigits, index] of this.byDigits) {
      if (minDigits > longestRun) break;
      chosen.add(index);
    }
    return [...chosen]
      .sort((a, b) => a - b)
      .map((index) => this.groups[index])
      .filter(([rule]) => !rule.minDigits || rule.minDigits <= longestRun);
  }
}
