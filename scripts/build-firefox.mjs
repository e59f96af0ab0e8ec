// The Firefox build: the same extension/ files with a manifest generated from
// extension/manifest.json (which stays the Chromium one). See docs/firefox.md.
//
//   node scripts/build-firefox.mjs [OUT_DIR]   # default build/firefox (git-ignored)
//   node scripts/build-firefox.mjs --check     # the generated manifest agrees with Chromium's
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const EXTENSION_DIR = join(REPO, 'extension');
export const DEFAULT_OUT = join(REPO, 'build', 'firefox');

export const GECKO = Object.freeze({
  id: 'postguard@postguard.example',
  // ESR 140: the first with the CSS Custom Highlight API the banner uses.
  strict_min_version: '140.0',
});

// Every top-level key of the Chromium manifest is either kept as it is or dropped
// for a reason; a new key fails --check until it is sorted into one of these.
const KEPT = [
  'manifest_version', 'name', 'short_name', 'version', 'description', 'permissions',
  'host_permissions', 'optional_host_permissions', 'content_scripts',
  'web_accessible_resources', 'action', 'options_ui', 'background',
  // 'wasm-unsafe-eval': the offline image reader's zxing-wasm (Firefox 102+ too).
  'content_security_policy',
];
const DROPPED = {
  key: 'Chromium id; Firefox takes its id from browser_specific_settings.gecko.id',
  minimum_chrome_version: 'Chromium only; gecko.strict_min_version instead',
  // Firefox reads policies.json's 3rdparty.Extensions.<id> without a schema.
  storage: 'only holds managed_schema, which Firefox does not read',
};
// Firefox has no offscreen documents; its background page starts the engine's
// Worker itself (src/background/offline-engine.js, createDirectHost).
const DROPPED_PERMISSIONS = ['offscreen'];
// Files Firefox does not need, or that are development notes.
const SKIPPED_FILES = ['manifest.json', 'README.md', '.manifest-key.b64', 'src/offscreen'];

export function readChromiumManifest(dir = EXTENSION_DIR) {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
}

export function firefoxManifest(chromium) {
  const out = {};
  for (const key of KEPT) if (key in chromium) out[key] = structuredClone(chromium[key]);
  // Firefox runs the background as an event page: `scripts`, no service worker.
  const { service_worker: worker, type } = chromium.background;
  out.background = { scripts: [worker], ...(type ? { type } : {}) };
  out.permissions = chromium.permissions.filter((p) => !DROPPED_PERMISSIONS.includes(p));
  out.browser_specific_settings = { gecko: { ...GECKO } };
  return out;
}

function referencedFiles(m) {
  return [
    ...m.background.scripts,
    m.action?.default_popup,
    m.options_ui?.page,
    ...m.content_scripts.flatMap((c) => c.js ?? []),
  ].filter(Boolean);
}

/** Problems with the generated manifest; empty when it agrees with Chromium's. */
export function checkFirefoxManifest(chromium, firefox, dir = EXTENSION_DIR) {
  const problems = [];
  for (const key of Object.keys(chromium)) {
    if (!KEPT.includes(key) && !(key in DROPPED)) problems.push(`unsorted Chromium manifest key: ${key}`);
  }
  for (const key of KEPT.filter((k) => k !== 'background' && k !== 'permissions')) {
    if (JSON.stringify(chromium[key]) !== JSON.stringify(firefox[key])) problems.push(`${key} differs`);
  }
  const wanted = chromium.permissions.filter((p) => !DROPPED_PERMISSIONS.includes(p));
  if (JSON.stringify(firefox.permissions) !== JSON.stringify(wanted)) problems.push('permissions differ');
  if (firefox.background.scripts?.[0] !== chromium.background.service_worker) {
    problems.push('background.scripts is not the Chromium service worker');
  }
  if ('service_worker' in firefox.background) problems.push('background.service_worker is left in');
  for (const key of Object.keys(DROPPED)) if (key in firefox) problems.push(`${key} is left in`);
  if (!firefox.browser_specific_settings?.gecko?.id) problems.push('no gecko id');
  for (const file of referencedFiles(firefox)) {
    if (!existsSync(join(dir, file))) problems.push(`missing file: ${file}`);
  }
  return problems;
}

export function buildFirefox(outDir = DEFAULT_OUT, dir = EXTENSION_DIR) {
  const manifest = firefoxManifest(readChromiumManifest(dir));
  const problems = checkFirefoxManifest(readChromiumManifest(dir), manifest, dir);
  if (problems.length) throw new Error(`Firefox manifest: ${problems.join('; ')}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  cpSync(dir, outDir, {
    recursive: true,
    filter: (src) => !SKIPPED_FILES.includes(relative(dir, src).split('\\').join('/')),
  });
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes('--check')) {
    const chromium = readChromiumManifest();
    const problems = checkFirefoxManifest(chromium, firefoxManifest(chromium));
    for (const p of problems) console.error(`build-firefox: ${p}`);
    process.exit(problems.length ? 1 : 0);
  }
  console.log(buildFirefox(args[0] ? resolve(args[0]) : DEFAULT_OUT));
}
