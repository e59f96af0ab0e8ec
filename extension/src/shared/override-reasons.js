// Why an employee posts despite a warning: a code from a fixed list, never free
// text (a typed reason could itself hold the secret). Labels are what the
// banner shows; codes are what the audit log stores.
export const OVERRIDE_REASONS = Object.freeze([
  ['false_positive', 'It is not sensitive (false positive)'],
  ['test_data', 'It is test or sample data'],
  ['already_public', 'It is already public'],
  ['approved', 'Posting it was approved'],
  ['own_information', 'It is my own information'],
  ['other', 'Another reason'],
]);
export const REASON_CODES = Object.freeze(OVERRIDE_REASONS.map(([code]) => code));
export const MAX_NOTE_LENGTH = 10_000;
