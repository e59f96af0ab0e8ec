// The JS twin of the engine, used when the service is unreachable. Loaded on
// first need only; the bundle comes from the service worker (last fetched from
// the service, else the packaged copy). Runs here, in the content script,
// because service workers may not import() modules lazily.
export function createOfflineEngine({ importEngine, getBundle }) {
  let engine = null;
  let compiled = null;
  let compiledVersion = null;

  return async function scanOffline(text, { locale, bundleVersion } = {}) {
    try {
      engine ??= await importEngine();
      if (!compiled || (bundleVersion && String(bundleVersion) !== compiledVersion)) {
        const { bundle } = (await getBundle()) ?? {};
        if (!bundle) return null;
        compiled = engine.compileBundle(bundle);
        compiledVersion = String(bundle.version);
      }
      const result = engine.scan(compiled, text, { locale });
      return { rules_version: compiledVersion, ...result };
    } catch {
      engine = null; // e.g. the engine module is missing: report "unchecked"
      return null;
    }
  };
}
