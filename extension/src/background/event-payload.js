// Checks what a content script asks us to record. Events carry rule ids and
// categories only, never post text or matched values.
export const EVENT_ACTIONS = Object.freeze([
  'edited',
  'masked',
  'overridden',
  'cancelled',
  'posted',
  'reported_false_positive',
]);
const MAX_JUSTIFICATION = 500;
const ID_RE = /^[a-z0-9][a-z0-9._-]{0,99}$/;

function idList(value) {
  if (!Array.isArray(value) || value.length > 50) return null;
  return value.every((v) => typeof v === 'string' && ID_RE.test(v)) ? [...new Set(value)] : null;
}

export function buildEvent(input) {
  const ruleIds = idList(input?.rule_ids);
  const categories = idList(input?.categories);
  if (!ruleIds || !categories) return { error: 'rule_ids and categories must be id lists' };
  if (!EVENT_ACTIONS.includes(input.action)) return { error: 'unknown action' };
  const event = {
    rule_ids: ruleIds,
    categories,
    action: input.action,
    platform: typeof input.platform === 'string' ? input.platform.slice(0, 40) : 'unknown',
    rules_version: typeof input.rules_version === 'string' ? input.rules_version.slice(0, 80) : '',
  };
  if (input.justification !== undefined) {
    if (typeof input.justification !== 'string') return { error: 'justification must be text' };
    const reason = input.justification.trim();
    if (reason.length > MAX_JUSTIFICATION) return { error: 'justification is too long' };
    if (reason) event.justification = reason;
  }
  return { event };
}
