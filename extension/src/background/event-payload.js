// Checks what a content script asks us to record. Events carry rule ids,
// categories and codes only, never post text, matched values or typed notes.
import { MAX_NOTE_LENGTH, REASON_CODES } from '../shared/override-reasons.js';

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

function idList(value) {
  if (!Array.isArray(value) || value.length > 50) return null;
  return value.every((v) => typeof v === 'string' && ID_RE.test(v)) ? [...new Set(value)] : null;
}

const isNoteLength = (n) => Number.isInteger(n) && n >= 0 && n <= MAX_NOTE_LENGTH;

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
