// The admin policy's actions, weakest first (policy.schema.json $defs/action).
export const POLICY_ACTIONS = Object.freeze(['audit', 'warn', 'block_with_override', 'block']);

/** The stronger of two actions; an unknown one never wins. */
export function strongerAction(a, b) {
  return POLICY_ACTIONS.indexOf(b) > POLICY_ACTIONS.indexOf(a) ? b : a;
}
