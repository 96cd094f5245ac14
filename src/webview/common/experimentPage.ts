// Browser side shared by the one-experiment panels: keeps controls + last result in the webview
// state (what the serializer restores), sends `run`, and shows progress, errors and Retry.
import { post, onHostMessage, vscodeApi } from './vscodeApi';
import { button, h, setChildren } from './dom';
import {
  parseExperimentState, parseExperimentToWebview, type ExperimentCodec, type ExperimentState, type ExperimentStatus,
} from '../../extension/panels/protocol/experiment';

export interface ExperimentPage<C, R> {
  codec: ExperimentCodec<C, R>;
  /** Heading and one-paragraph explanation. */
  title: string;
  intro: (string | Node)[];
  /** Builds the controls; call `change` with new controls (quick panels re-run immediately). */
  renderControls(controls: C, change: (next: C) => void): HTMLElement;
  /** Renders a result into `target`. */
  renderResult(result: R, target: HTMLElement, controls: C): void;
  /** Training panels show Run/Stop and do not run on every change. */
  training: boolean;
  /** Called after the theme changes (canvas colours). */
  onThemeChange?(): void;
}

export function startExperimentPage<C, R>(page: ExperimentPage<C, R>): void {
  const app = document.getElementById('app') as HTMLElement;
  let state: ExperimentState<C, R> = parseExperimentState(page.codec, vscodeApi().getState());
  let status: ExperimentStatus = 'idle';

  // Dragging a slider fires many changes; while one computation is in flight only the newest
  // controls are kept and sent when it finishes, so the engine never works through a backlog.
  let inFlight = false;
  let pending = false;
  const save = () => vscodeApi().setState(state);
  const run = () => {
    inFlight = true;
    pending = false;
    post({ type: 'run', controls: state.controls });
  };
  const change = (next: C) => {
    state = { ...state, controls: next };
    save();
    if (page.training) return;
    if (inFlight) pending = true;
    else run();
  };

  function render(): void {
    const actions = page.training
      ? h('section', { class: 'controls', 'aria-label': 'Run' },
        button(state.result ? 'Restart' : 'Run', { id: 'run', class: 'primary' }, run),
        button('Stop', { id: 'stop', disabled: true }, () => post({ type: 'stop' })),
        h('progress', { id: 'progress', class: 'progress', max: 1, value: 0, 'aria-label': 'Progress' }),
        h('span', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }))
      : h('span', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' });
    setChildren(app,
      h('header', {}, h('h1', {}, page.title)),
      h('p', { class: 'explain' }, ...page.intro),
      page.renderControls(state.controls, change),
      actions,
      h('div', { id: 'error', class: 'error', role: 'alert', hidden: true }),
      h('div', { id: 'result' }),
    );
    if (state.result !== undefined) page.renderResult(state.result, document.getElementById('result') as HTMLElement, state.controls);
    setStatus(status, state.result !== undefined ? '' : page.training ? 'Press Run to start.' : 'Computing…');
  }

  function setStatus(next: ExperimentStatus, text: string): void {
    status = next;
    document.body.dataset.runStatus = next;
    const el = document.getElementById('status');
    if (el) el.textContent = text;
    document.getElementById('stop')?.toggleAttribute('disabled', next !== 'running');
    const runButton = document.getElementById('run');
    if (runButton && page.training) runButton.textContent = next === 'running' || state.result !== undefined ? 'Restart' : 'Run';
  }

  function showError(message: string, retry: boolean): void {
    const el = document.getElementById('error');
    if (!el) return;
    setChildren(el, message, retry ? button('Retry', { id: 'retry', class: 'primary' }, run) : null);
    el.hidden = message.length === 0;
  }

  onHostMessage((raw) => parseExperimentToWebview(page.codec, raw), (message) => {
    switch (message.type) {
      case 'init':
        state = { controls: message.controls, result: message.result ?? state.result };
        save();
        render();
        // Short experiments show their numbers straight away (and after a reload).
        if (!page.training) run();
        return;
      case 'running':
        showError('', false);
        setStatus('running', page.training ? 'Starting the engine…' : 'Computing…');
        return;
      case 'progress': {
        const progress = document.getElementById('progress') as HTMLProgressElement | null;
        if (progress) progress.value = message.fraction;
        setStatus('running', message.label);
        return;
      }
      case 'result':
        state = { controls: state.controls, result: message.result };
        save();
        page.renderResult(message.result, document.getElementById('result') as HTMLElement, message.controls);
        return;
      case 'finished':
        inFlight = false;
        if (pending && !page.training) {
          run();
          return;
        }
        setStatus(message.status, message.status === 'done' ? '' : message.message ?? '');
        if (message.status === 'done') {
          const progress = document.getElementById('progress') as HTMLProgressElement | null;
          if (progress) progress.value = 1;
        }
        if (message.status === 'error') showError(message.message ?? 'The engine could not compute this.', message.retry === true);
        return;
    }
  });

  if (page.onThemeChange) {
    const handler = page.onThemeChange;
    let last = document.body.className;
    new MutationObserver(() => {
      if (document.body.className === last) return;
      last = document.body.className;
      handler();
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  render();
  post({ type: 'ready' });
}
