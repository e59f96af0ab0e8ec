// Popup: is the service connected, which rules run, is this site protected.
import { MSG } from '../shared/message-types.js';
import { ext } from '../shared/ext.js';

function show(id, text, tone) {
  const node = document.getElementById(id);
  node.textContent = text;
  node.className = tone;
}

const SITE_TEXT = {
  protected: ['Protected', 'ok'],
  'not-protected': ['Not protected here: a compose box could not be guarded', 'bad'],
  idle: ['Protected (no compose box open)', 'ok'],
};

async function render() {
  const tab = await ext.activeTab().catch(() => null);
  const status = await ext.sendMessage({ type: MSG.STATUS, tabId: tab?.id });
  if (status.connection === 'connected') show('service', 'Connected', 'ok');
  else if (status.connection === 'unpaired') show('service', 'Not paired (limited protection)', 'warn');
  else if (status.reason === 'unverified') show('service', 'Not proven to be PostGuard (limited protection)', 'warn');
  else show('service', 'Not running (limited protection)', 'warn');
  const rules = status.rulesVersion ?? status.offlineRulesVersion;
  show('rules', rules ? `version ${rules}${status.connection === 'connected' ? '' : ' (built-in copy)'}` : 'none loaded', rules ? '' : 'bad');
  const [text, tone] = SITE_TEXT[status.site?.state] ?? ['Not a site PostGuard watches', ''];
  const boxes = status.site?.state === 'not-protected' ? status.site.boxes ?? [] : [];
  const siteText = boxes.length
    ? `${text}: ${boxes.join('; ')}`
    : status.site?.platform && status.site.state !== 'not-protected' ? `${text} (${status.site.platform})` : text;
  show('site', siteText, tone);
}

document.getElementById('options').addEventListener('click', () => ext.openOptions());
render();
