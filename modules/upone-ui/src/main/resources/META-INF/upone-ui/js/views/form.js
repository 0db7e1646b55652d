// Shared by the create forms: labelled fields, and the API's field errors put next to their field.
import { h, render, notice } from '../dom.js';

/** A labelled input (or select/textarea) whose API field is `field`; its error goes in #err-<name>. */
export function field(name, label, fieldPath, control, hint) {
  control.id = `f-${name}`;
  control.name = name;
  control.dataset.field = fieldPath;
  control.setAttribute('aria-describedby', `err-${name}${hint ? ` hint-${name}` : ''}`);
  return h('div', { class: 'field' },
    h('label', { for: control.id }, label),
    control,
    hint ? h('small', { id: `hint-${name}`, class: 'hint' }, hint) : null,
    h('p', { id: `err-${name}`, class: 'field-error', 'aria-live': 'polite' }));
}

/**
 * Shows each {field, reason} next to the control whose data-field is the longest prefix of the
 * field (`env.FOO` goes to the env field, `constraints[1]` to constraints); the rest above the form.
 */
export function showErrors(form, general, err) {
  form.querySelectorAll('.field-error').forEach((p) => { p.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((c) => c.removeAttribute('aria-invalid'));
  const controls = [...form.querySelectorAll('[data-field]')];
  const unplaced = [];
  let first = null;
  for (const e of err.errors || []) {
    const match = controls.filter((c) => c.dataset.field.split('|').some((f) => e.field === f || e.field.startsWith(`${f}.`) || e.field.startsWith(`${f}[`)))
      .sort((a, b) => b.dataset.field.length - a.dataset.field.length)[0];
    if (!match) { unplaced.push(e); continue; }
    const p = document.getElementById(`err-${match.name}`);
    p.textContent = (p.textContent ? `${p.textContent}; ` : '') + (e.field === match.dataset.field ? e.reason : `${e.field}: ${e.reason}`);
    match.setAttribute('aria-invalid', 'true');
    first = first || match;
  }
  render(general, notice('error', err.message),
    unplaced.length ? h('ul', { class: 'errors' }, unplaced.map((e) => h('li', {}, h('code', {}, e.field || '$'), ` ${e.reason}`))) : null);
  (first || general).focus && (first || general).focus();
}

export function clearErrors(form, general) {
  form.querySelectorAll('.field-error').forEach((p) => { p.textContent = ''; });
  render(general);
}

/** Lines KEY=VALUE as an object; blank lines skipped. */
export function parsePairs(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const i = t.indexOf('=');
    out[i < 0 ? t : t.slice(0, i).trim()] = i < 0 ? '' : t.slice(i + 1);
  }
  return out;
}

/** Two tabs: the form and raw JSON. */
export function tabs(formPanel, jsonPanel) {
  const tabForm = h('button', { role: 'tab', type: 'button', id: 'tab-form', 'aria-controls': 'panel-form', 'aria-selected': 'true' }, 'Form');
  const tabJson = h('button', { role: 'tab', type: 'button', id: 'tab-json', 'aria-controls': 'panel-json', 'aria-selected': 'false', tabindex: '-1' }, 'JSON');
  formPanel.id = 'panel-form';
  jsonPanel.id = 'panel-json';
  formPanel.setAttribute('role', 'tabpanel');
  jsonPanel.setAttribute('role', 'tabpanel');
  formPanel.setAttribute('aria-labelledby', 'tab-form');
  jsonPanel.setAttribute('aria-labelledby', 'tab-json');
  jsonPanel.hidden = true;
  const select = (json) => {
    tabForm.setAttribute('aria-selected', String(!json));
    tabJson.setAttribute('aria-selected', String(json));
    tabForm.tabIndex = json ? -1 : 0;
    tabJson.tabIndex = json ? 0 : -1;
    formPanel.hidden = json;
    jsonPanel.hidden = !json;
  };
  tabForm.onclick = () => select(false);
  tabJson.onclick = () => select(true);
  const list = h('div', { role: 'tablist', 'aria-label': 'How to describe it' }, tabForm, tabJson);
  list.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const json = tabForm.getAttribute('aria-selected') === 'true';
      select(json);
      (json ? tabJson : tabForm).focus();
    }
  });
  return [list, formPanel, jsonPanel];
}
