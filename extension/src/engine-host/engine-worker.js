// The offline engine's own thread (a module Worker). A runaway pattern can only
// stall this thread; its owner (engine-runner.js) terminates it after a hard
// timeout. Messages: {op: 'load', bundle, policy, termKeys}; {op: 'scan', id, text,
// platform, context} -> {id, result} | {id, error}; {op: 'image', id, bytes,
// platform} -> the same, for an attached image. Errors carry the error's name
// only: a message could quote the text.
import { compileBundle, ruleKinds, scan } from '../engine/index.js';
import { compileGuards } from '../engine/guards/index.js';
import { compilePolicy } from '../engine/policy.js';
import { decide, withGuards } from './offline-result.js';
import { offlineImageResult } from './offline-image.js';
import { readImage } from './image-reader.js';

let loaded = null;

function load({ bundle, policy, termKeys = null }) {
  try {
    const compiled = compileBundle(bundle);
    loaded = { compiled, bundle, guards: compileGuards(bundle), policyData: policy ?? null, policy: policy ? compilePolicy(policy, bundle.rules) : null, termKeys };
  } catch (error) {
    loaded = { error: `bundle: ${error.name}` };
  }
}

function run({ text, platform, context = null }) {
  if (!loaded) return { error: 'no bundle loaded' };
  if (loaded.error) return { error: loaded.error };
  try {
    const result = scan(loaded.compiled, text, { termKeys: loaded.termKeys });
    const unlisted = ruleKinds(loaded.compiled, result.omitted_rules);
    const guarded = withGuards(result, loaded.guards, { text, context, platform, bundle: loaded.bundle, policyData: loaded.policyData });
    return { result: decide(loaded.policy, guarded, platform, unlisted, context?.audience ?? null) };
  } catch (error) {
    return { error: `scan: ${error.name}` };
  }
}

// An attached image: position and barcodes (image-reader.js), each payload
// scanned by the engine, decided by the bundle's policy (offline-image.js).
async function image({ bytes, platform }) {
  try {
    const read = await readImage(new Uint8Array(bytes));
    const ok = loaded && !loaded.error;
    const scanText = (text) => (ok ? scan(loaded.compiled, text, { termKeys: loaded.termKeys }).findings : []);
    return {
      result: offlineImageResult(read, {
        scanText,
        policyData: ok ? loaded.policyData : null,
        rules: ok ? loaded.bundle.rules : [],
        version: ok ? loaded.bundle.version : 'offline',
        platform,
      }),
    };
  } catch (error) {
    return { error: `image: ${error.name}` };
  }
}

globalThis.onmessage = async ({ data }) => {
  if (data?.op === 'load') load(data);
  else if (data?.op === 'scan') globalThis.postMessage({ id: data.id, ...run(data) });
  else if (data?.op === 'image') globalThis.postMessage({ id: data.id, ...(await image(data)) });
};
