// Checks what a content script asks us to record. Events carry rule ids,
// categories, codes and the site field's name only, never post text, matched values or typed notes.
import { MAX_NOTE_LENGTH, REASON_CODES } from '../shared/override-reasons.js';
import { POLICY_ACTIONS } from '../shared/policy-actions.js';

export const EVENT_ACTIONS = Object.freeze([
  'edited',
  'masked',
  'overridden',
  'cancelled',
  'posted',
  'reported_false_positive',
]);
const ACTIONS_WITH_REASON = new Set(['overridden', 'reported_false_positive']);
const ID_RE = /^[a-z0-9][a-z0-9._-]{0,99}$/;
// A site field's name (alt_text, poll_option, bio...) or "attachment" (an
// attached image): an identifier, never text.
const FIELD_RE = /^[a-z][a-z0-9_]{0,39}$/;

function idList(value) {
  if (!Array.isArray(value) || value.length > 50) return null;
  return value.every((v) => typeof v === 'string' && ID_RE.test(v)) ? [...new Set(value)] : null;
}

const isNoteLength = (n) => Number.isInteger(n) && n >= 0 && n <= MAX_NOTE_LENGTH;

// Rules in simulation with the action each would have had: each once, and only
// rules the event names. Copied field by field, like the event itself.
function simulatedList(value, ruleIds) {
  if (!Array.isArray(value) || value.length > 50) return null;
  const seen = new Set();
  const out = [];
  for (const entry of value) {
    const ruleId = entry?.rule_id;
    if (!ruleIds.includes(ruleId) || seen.has(ruleId) || !POLICY_ACTIONS.includes(entry.action)) return null;
    seen.add(ruleId);
    out.push({ rule_id: ruleId, action: entry.action });
  }
  return out;
}

// Only the listed fields are copied: anything else a caller adds is dropped.
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
  if (input.field !== undefined) {
    if (typeof input.field !== 'string' || !FIELD_RE.test(input.field)) return { error: 'field must be a field name' };
    event.field = input.field;
  }
  if (input.simulated !== undefined) {
    const simulated = simulatedList(input.simulated, ruleIds);
    if (!simulated) return { error: 'simulated must list rules of rule_ids, each once, with an action' };
    if (simulated.length) event.simulated = simulated;
  }
  if (input.reason === undefined) {
    if (input.note_length !== undefined) return { error: 'note_length needs a reason' };
    return { event };
  }
  if (!ACTIONS_WITH_REASON.has(input.action)) return { error: 'a reason only goes with an override or a report' };
  if (!REASON_CODES.includes(input.reason)) return { error: 'unknown reason' };
  event.reason = input.reason;
  if (input.note_length !== undefined) {
    if (!isNoteLength(input.note_length)) return { error: 'note_length must be an integer 0..10000' };
    event.note_length = input.note_length;
  }
  return { event };
}
