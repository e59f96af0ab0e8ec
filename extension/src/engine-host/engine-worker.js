// The offline engine's own thread (a module Worker). A runaway pattern can only
// stall this thread; its owner (engine-runner.js) terminates it after a hard
// timeout. Messages: {op: 'load', bundle, policy, termKeys}; {op: 'scan', id, text,
// platform} -> {id, result} | {id, error}. Errors carry the error's name only:
// a message could quote the text.
import { compileBundle, ruleKinds, scan } from '../engine/index.js';
import { compilePolicy } from '../engine/policy.js';
import { decide } from './offline-result.js';

let loaded = null;

function load({ bundle, policy, termKeys = null }) {
  try {
    const compiled = compileBundle(bundle);
    loaded = { compiled, policy: policy ? compilePolicy(policy, bundle.rules) : null, termKeys };
  } catch (error) {
    loaded = { error: `bundle: ${error.name}` };
  }
}

function run({ text, platform }) {
  if (!loaded) return { error: 'no bundle loaded' };
  if (loaded.error) return { error: loaded.error };
  try {
    const result = scan(loaded.compiled, text, { termKeys: loaded.termKeys });
    const unlisted = ruleKinds(loaded.compiled, result.omitted_rules);
    return { result: decide(loaded.policy, result, platform, unlisted) };
  } catch (error) {
    return { error: `scan: ${error.name}` };
  }
}

globalThis.onmessage = ({ data }) => {
  if (data?.op === 'load') load(data);
  else if (data?.op === 'scan') globalThis.postMessage({ id: data.id, ...run(data) });
};
