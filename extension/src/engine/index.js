// The JS twin of the Python detection engine (backend/postguard/engine/): pure
// ES modules, no chrome.*, no DOM. It runs every bundle rule marked for the "js"
// runtime and returns what Python's ScanResult.to_dict() returns.
//
//   const compiled = compileBundle(bundle);        // cached by bundle.version
//   const result = scan(compiled, text, { locale });
export { BundleError, compileBundle, ruleKinds } from './ruleset.js';
export { scan } from './scan.js';
