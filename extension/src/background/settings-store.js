// Reads and writes the effective settings (managed policy over user options).
import { mergeSettings, validateUserSettings } from '../shared/settings.js';
import { ext } from '../shared/ext.js';

export async function loadSettings() {
  const [{ settings: local = {} }, managed] = await Promise.all([
    ext.getLocal('settings'),
    ext.getManaged(),
  ]);
  return mergeSettings({ local, managed });
}

// Saves what the user may change; keys locked by policy are refused, not merged.
export async function saveUserSettings(input) {
  const { locked } = await loadSettings();
  const { values, errors } = validateUserSettings(input);
  for (const key of locked) {
    if (key in values) {
      delete values[key];
      errors[key] = 'locked by your administrator';
    }
  }
  const { settings: current = {} } = await ext.getLocal('settings');
  await ext.setLocal({ settings: { ...current, ...values } });
  return { saved: Object.keys(values), errors };
}
