// Tiny DOM builder: every element is created by code (no innerHTML with data), so text from the
// host or the user's model can never become markup.
type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing element #${id}`);
  return el as T;
}

/** Replaces an element's children. */
export function setChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A labelled range slider with a live numeric read-out, keyboard operable (arrow keys, Home/End). */
export function rangeControl(options: {
  id: string; label: string; min: number; max: number; step: number; value: number;
  format?: (v: number) => string; onInput: (v: number) => void;
}): HTMLElement {
  const format = options.format ?? ((v: number) => String(v));
  const output = h('output', { for: options.id, id: `${options.id}-value` }, format(options.value));
  const input = h('input', {
    type: 'range', id: options.id, min: options.min, max: options.max, step: options.step, value: options.value,
    'aria-valuetext': format(options.value),
  });
  input.addEventListener('input', () => {
    const v = Number(input.value);
    output.textContent = format(v);
    input.setAttribute('aria-valuetext', format(v));
    options.onInput(v);
  });
  return h('div', { class: 'control' }, h('label', { for: options.id }, options.label), input, output);
}

/** Sets a range control's value from code (keeps the read-out in sync). */
export function setRangeValue(id: string, value: number, format: (v: number) => string = String): void {
  const input = document.getElementById(id) as HTMLInputElement | null;
  if (!input) return;
  input.value = String(value);
  input.setAttribute('aria-valuetext', format(value));
  const output = document.getElementById(`${id}-value`);
  if (output) output.textContent = format(value);
}

export function numberControl(options: {
  id: string; label: string; min: number; max: number; step: number; value: number; onChange: (v: number) => void;
}): HTMLElement {
  const input = h('input', { type: 'number', id: options.id, min: options.min, max: options.max, step: options.step, value: options.value });
  input.addEventListener('change', () => {
    const raw = Number(input.value);
    const v = Number.isFinite(raw) ? Math.min(options.max, Math.max(options.min, raw)) : options.value;
    input.value = String(v);
    options.onChange(v);
  });
  return h('div', { class: 'control' }, h('label', { for: options.id }, options.label), input);
}

export function button(label: string, attrs: Attrs, onClick: () => void): HTMLButtonElement {
  const el = h('button', { type: 'button', ...attrs }, label);
  el.addEventListener('click', onClick);
  return el;
}

export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return '—';
  return Number(value.toFixed(digits)).toString();
}
