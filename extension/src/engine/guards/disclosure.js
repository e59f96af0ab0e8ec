// Affiliation disclosure: the organisation named with an opinion, undisclosed.
// The twin of backend/postguard/engine/guards/disclosure.py. Any of the
// policy's disclosure texts, or the bundle's general ones, anywhere in the post
// counts as said.
import { firstNear } from './words.js';

/** The name mentioned with an opinion ({index, text}) when the post carries no disclosure, else null. */
export function undisclosedMention(text, names, endorsement, disclosures, windowWords) {
  const mention = firstNear(text, names, endorsement, windowWords);
  disclosures.lastIndex = 0;
  if (mention === null || disclosures.test(text)) return null;
  return mention;
}
