// Attach-time interception, the same on every site: images given to a file
// input (`input`/`change`), pasted (`paste` with files) or dropped (`drop`
// with files) are caught in the capture phase on window, before the site's
// own handlers (loader.js registers the listeners at document_start). The
// event is stopped while the images are checked; then the site gets what the
// employee chose, through a new event of the same kind on the same element:
// the ORIGINAL File objects when nothing was found, a cleaned copy after
// Remove location, nothing for a removed image. Other files in the selection
// always go through as they were. Events we dispatch are let through.
import { CannotClean, removeLocation } from './remove-location.js';
import { attachmentFindings } from './attachment-view.js';
import { imageOutcome } from './outcome.js';

const IMAGE_NAME = /\.(jpe?g|jfif|png|gif|webp|heic|heif|avif|bmp|tiff?)$/i;
const CHECKING_AFTER_MS = 300;
const HELD = new Set(['flagged', 'unchecked']);
const PERSONAL = new Set(['location', 'metadata']);
const CARRIERS = new Set(['input', 'change', 'paste', 'drop']); // event types that can carry files

export const isImage = (file) => /^image\//i.test(file?.type ?? '') || IMAGE_NAME.test(file?.name ?? '');

const isFileInput = (el) => el?.localName === 'input' && String(el.type).toLowerCase() === 'file';

function stop(event) {
  event.preventDefault();
  event.stopImmediatePropagation();
}

// Firefox: a DataTransfer or an event the content script makes reaches the
// page behind an Xray wrapper the page cannot read (docs/firefox.md); made
// with the page's own constructors (wrappedJSObject) it can. Chromium: ours.
const pageWindow = globalThis.wrappedJSObject ?? null;
function pageNew(name, args = []) {
  if (!pageWindow) return new globalThis[name](...args);
  if (!args.length) return new pageWindow[name]();
  const [type, init] = args;
  // eslint-disable-next-line no-undef -- cloneInto: a Firefox content-script global
  return new pageWindow[name](type, cloneInto(init, pageWindow, { wrapReflectors: true }));
}

// A copy with the same name, type and date as the file it replaces.
const copyOf = (file, bytes) => new File([bytes], file.name, { type: file.type, lastModified: file.lastModified });

/**
 * `checkImage(file, platform)`: the check's result; `openView(target)`: an
 * attachment banner (attachment-view.js); `record(action, outcomes, extra)`:
 * an event, metadata only; `platform()`: the site's platform id.
 */
export function createAttachmentGuard({ checkImage, openView, record, platform, config }) {
  const ours = new WeakSet(); // the events we dispatched: let through
  let passing = 0; // > 0 while we dispatch (Firefox hands our listener another wrapper)
  const checking = new WeakMap(); // file input -> the File list it is being checked for

  function dispatch(target, event) {
    ours.add(event);
    passing++;
    try {
      target.dispatchEvent(event);
    } finally {
      passing--;
    }
  }

  function deliverToInput(input, files) {
    const dt = pageNew('DataTransfer');
    for (const file of files) dt.items.add(file);
    input.files = dt.files;
    if (!files.length) {
      input.value = ''; // nothing for the site; the same file can be chosen again
      return;
    }
    dispatch(input, pageNew('Event', ['input', { bubbles: true, composed: true }]));
    dispatch(input, pageNew('Event', ['change', { bubbles: true }]));
  }

  // A paste or drop again, with the files the employee kept and the text
  // that came with them (a removed image's HTML is not given back).
  function deliverAgain(snapshot, files, removedAny) {
    const strings = removedAny ? snapshot.strings.filter(([type]) => type === 'text/plain') : snapshot.strings;
    if (!files.length && !strings.some(([, value]) => value)) return;
    const dt = pageNew('DataTransfer');
    for (const [type, value] of strings) dt.setData(type, value);
    for (const file of files) dt.items.add(file);
    const init = { bubbles: true, cancelable: true, composed: true };
    const target = snapshot.target.isConnected ? snapshot.target : (document.activeElement ?? document.body);
    if (snapshot.kind === 'paste') {
      dispatch(target, pageNew('ClipboardEvent', ['paste', { ...init, clipboardData: dt }]));
    } else {
      dispatch(target, pageNew('DragEvent', ['drop', { ...init, ...snapshot.point, dataTransfer: dt }]));
    }
  }

  // Held images (a finding, or not checked): Remove image, or Attach anyway
  // where the policy allows (a reason as for Post anyway).
  async function decideHeld(view, held, keep) {
    const unchecked = held.every((o) => o.kind === 'unchecked');
    const canOverride = held.every((o) => o.canAttach);
    const n = held.length;
    const heading = unchecked
      ? n > 1 ? 'PostGuard could not check these images' : 'PostGuard could not check this image'
      : n > 1 ? `These ${n} images contain something sensitive` : 'This image contains something sensitive';
    const choice = await view.ask({
      heading,
      outcome: unchecked ? 'unchecked' : 'finding',
      state: unchecked ? 'unchecked' : 'flagged',
      source: held[0].source,
      reason: held[0].reason, // why it was not checked (a code), for tests and support
      notice: [...new Set(held.map((o) => o.notice).filter(Boolean))].join(' '),
      findings: attachmentFindings(held),
      canOverride,
      reasonRequired: held.some((o) => o.reasonRequired),
      actions: [
        { action: 'remove-image', label: n > 1 ? 'Remove images' : 'Remove image', primary: true },
        ...(canOverride ? [{ action: 'attach-anyway', label: 'Attach anyway' }] : []),
      ],
    });
    if (choice.action === 'attach-anyway' && canOverride) {
      const extra = choice.reason ? { reason: choice.reason, note_length: choice.noteLength } : {};
      record('overridden', held, extra);
      return;
    }
    for (const o of held) keep.set(o.file, null);
    record(unchecked ? 'cancelled' : 'edited', held);
  }

  // A position (or other personal metadata): Remove location or Keep.
  async function decidePersonal(view, personal, keep) {
    const located = personal.filter((o) => o.location);
    const choice = await view.ask({
      heading: located.length ? 'This photo carries the place where it was taken' : 'This image carries personal details in its metadata',
      outcome: located.length ? 'location' : 'metadata',
      source: personal[0].source,
      notice: [...new Set(personal.map((o) => o.notice).filter(Boolean))].join(' '),
      findings: attachmentFindings(personal),
      actions: [
        ...(located.length ? [{ action: 'remove-location', label: 'Remove location', primary: true }] : [{ action: 'remove-image', label: 'Remove image' }]),
        { action: 'keep', label: 'Keep' },
      ],
    });
    if (choice.action === 'remove-image') {
      for (const o of personal) keep.set(o.file, null);
      record('edited', personal);
      return;
    }
    if (choice.action !== 'remove-location') {
      record('overridden', personal);
      return;
    }
    const failed = [];
    for (const o of located) {
      try {
        const { bytes } = removeLocation(await o.file.arrayBuffer());
        keep.set(o.file, copyOf(o.file, bytes));
      } catch (err) {
        failed.push({ o, reason: err instanceof CannotClean ? err.reason : 'the location could not be removed' });
      }
    }
    if (located.length > failed.length) record('masked', located.filter((o) => !failed.some((f) => f.o === o)));
    if (!failed.length) return;
    // Not cleanable losslessly: say so, and let the employee choose.
    const again = await view.ask({
      heading: 'PostGuard could not remove the location',
      outcome: 'cannot-clean',
      notice: `${failed[0].reason[0].toUpperCase()}${failed[0].reason.slice(1)}.`,
      actions: [
        { action: 'remove-image', label: 'Remove image', primary: true },
        { action: 'keep', label: 'Keep location' },
      ],
    });
    if (again.action === 'keep') return record('overridden', failed.map((f) => f.o));
    for (const { o } of failed) keep.set(o.file, null);
    record('edited', failed.map((f) => f.o));
  }

  async function decide(view, outcomes, keep) {
    const held = outcomes.filter((o) => HELD.has(o.kind));
    if (held.length) await decideHeld(view, held, keep);
    const personal = outcomes.filter((o) => (PERSONAL.has(o.kind) || (o.location && HELD.has(o.kind))) && keep.get(o.file) !== null);
    if (personal.length) await decidePersonal(view, personal, keep);
  }

  async function run(snapshot, deliver) {
    const images = snapshot.files.filter(isImage);
    const view = openView(snapshot.target);
    const slow = setTimeout(() => view.checking(images.length), CHECKING_AFTER_MS);
    let outcomes;
    try {
      const results = await Promise.all(images.map((file) => checkImage(file, platform())));
      outcomes = images.map((file, i) => ({ file, ...imageOutcome(results[i], { failPolicy: results[i]?.failPolicy ?? config.failPolicy }) }));
    } catch {
      outcomes = images.map((file) => ({ file, ...imageOutcome({ source: 'unchecked', reason: 'failed' }, config) }));
    } finally {
      clearTimeout(slow);
    }
    const keep = new Map(); // original File -> what the site gets (null: left out)
    try {
      await decide(view, outcomes, keep);
    } catch {
      // A fault of ours: the employee still decides, never a silent pass or loss.
      keep.clear();
      await decideHeld(view, images.map((file) => ({ file, ...imageOutcome({ source: 'unchecked', reason: 'failed' }, config) })), keep);
    }
    const files = snapshot.files.map((f) => (keep.has(f) ? keep.get(f) : f)).filter(Boolean);
    deliver(files, files.length < snapshot.files.length);
    const left = snapshot.files.length - files.length;
    const notices = outcomes.filter((o) => o.kind === 'notice');
    const asked = outcomes.some((o) => HELD.has(o.kind) || PERSONAL.has(o.kind) || o.location);
    if (left) view.done(left > 1 ? `${left} images were not attached` : 'The image was not attached');
    else if (notices.length) view.notice('Image attached after a limited check', notices[0].notice);
    else if (asked) view.done([...keep.values()].some(Boolean) ? 'Attached without its location' : 'Attached');
    else view.close();
  }

  function fromInput(event, input) {
    const files = [...(input.files ?? [])];
    if (!files.some(isImage)) return false;
    stop(event);
    if (checking.get(input) === files[0]) return true; // the same selection's `change` after its `input`
    checking.set(input, files[0]);
    run({ kind: 'input', files, target: input }, (kept) => {
      checking.delete(input);
      deliverToInput(input, kept);
    }).catch(() => checking.delete(input));
    return true;
  }

  function fromTransfer(event, transfer, kind) {
    const files = [...(transfer?.files ?? [])];
    if (!files.some(isImage)) return false;
    // Read now: a paste's or drop's data is gone once the event is over.
    const strings = [...transfer.types].filter((t) => t !== 'Files').map((t) => [t, transfer.getData(t)]);
    const point = kind === 'drop'
      ? { clientX: event.clientX, clientY: event.clientY, screenX: event.screenX, screenY: event.screenY }
      : {};
    stop(event);
    const snapshot = { kind, files, strings, point, target: event.composedPath()[0] };
    run(snapshot, (kept, removedAny) => deliverAgain(snapshot, kept, removedAny)).catch(() => {});
    return true;
  }

  return {
    /** Takes the event (true) when it carries images; else leaves it alone. */
    handle(event) {
      // Keystrokes and clicks come here too: only the types that carry files
      // go further, before any other work.
      const { type } = event;
      if (!CARRIERS.has(type) || passing > 0 || ours.has(event)) return false;
      if (type === 'paste') return fromTransfer(event, event.clipboardData, 'paste');
      if (type === 'drop') return fromTransfer(event, event.dataTransfer, 'drop');
      const target = event.composedPath()[0];
      return isFileInput(target) && fromInput(event, target);
    },
  };
}
