// One AbortSignal per page: after abort, the frame watcher and the self-test
// stop (no sweeps, no listeners in frames, no observer), on jsdom.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installDom, sleep } from './helpers/dom.js';

installDom();
const { watchFrames } = await import('../../extension/src/content/frames.js');
const { startSelfTest } = await import('../../extension/src/content/self-test.js');

function frameWithDoc() {
  document.body.innerHTML = '<iframe srcdoc="<p>hi</p>"></iframe>';
  return document.querySelector('iframe');
}

test('watchFrames: enters same-origin frames until the signal aborts', async () => {
  frameWithDoc();
  await sleep(20); // jsdom loads the srcdoc
  const entered = [];
  const hub = { listen: (win) => entered.push(win) };
  const controller = new window.AbortController(); // jsdom wants its own signals
  const frames = watchFrames({ doc: document, hub, onScroll() {}, signal: controller.signal });
  frames.sweep();
  assert.equal(entered.length, 1, 'the same-origin frame is entered');
  const before = entered.length;
  controller.abort();
  assert.deepEqual(frames.sweep(), []);
  assert.equal(entered.length, before, 'no frame is entered after abort');
});

test('startSelfTest: reports once, and its observer stops on abort', async () => {
  document.body.innerHTML = '<textarea></textarea>';
  const reports = [];
  let sweeps = 0;
  const guard = { sweep: () => sweeps++, sessionFor: () => null };
  const controller = new window.AbortController(); // jsdom wants its own signals
  const selfTest = startSelfTest({ doc: document, guard, report: (state) => reports.push(state), signal: controller.signal });
  assert.equal(sweeps, 1);
  controller.abort();
  selfTest.run();
  assert.equal(sweeps, 1, 'an aborted self-test does no work');
  document.body.append(document.createElement('div'));
  await sleep(10);
  assert.equal(sweeps, 1);
  assert.ok(reports.length <= 1);
});
