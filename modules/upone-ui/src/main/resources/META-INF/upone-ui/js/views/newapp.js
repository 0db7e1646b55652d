// Create an app: a form for the common fields, or the whole definition as JSON.
import { api, ApiError } from '../api.js';
import { h } from '../dom.js';
import { field, showErrors, clearErrors, parsePairs, tabs } from './form.js';

const TEMPLATE = `{
  "id": "/demo/web",
  "cmd": "python3 -m http.server $PORT0",
  "cpus": 0.1,
  "mem": 64,
  "instances": 3
}`;

function input(type, attrs = {}) {
  return h('input', { type, ...attrs });
}

function fromForm(f) {
  const v = (n) => f.elements[n].value.trim();
  const body = { id: v('id') };
  if (v('cmd')) body.cmd = v('cmd');
  if (v('image')) body.container = { type: 'DOCKER', docker: { image: v('image') } };
  for (const n of ['cpus', 'mem', 'disk', 'instances']) if (v(n) !== '') body[n] = Number(v(n));
  if (v('network') === 'bridge') body.networks = [{ mode: 'container/bridge' }];
  const env = parsePairs(f.elements.env.value);
  if (Object.keys(env).length) body.env = env;
  const constraints = v('constraints').split('\n').map((l) => l.trim()).filter(Boolean).map((l) => l.split(/\s+/));
  if (constraints.length) body.constraints = constraints;
  return body;
}

export function newAppView() {
  const general = h('div', { class: 'messages', tabindex: '-1' });
  const network = h('select', {}, h('option', { value: 'host' }, 'host'), h('option', { value: 'bridge' }, 'container/bridge'));
  const form = h('form', { class: 'create', novalidate: true },
    field('id', 'App id', 'id', input('text', { required: true, placeholder: '/team/web', autocomplete: 'off' }),
      'A path: lowercase letters, digits and -, e.g. /shop/web'),
    field('cmd', 'Command', 'cmd|args', input('text', { placeholder: 'python3 -m http.server $PORT0' }), 'Run by bash -c; $PORT0 is the first host port'),
    field('image', 'Docker image', 'container', input('text', { placeholder: 'optional' })),
    h('div', { class: 'row' },
      field('cpus', 'CPU', 'cpus', input('number', { step: 'any', value: '0.1' })),
      field('mem', 'Memory (MiB)', 'mem', input('number', { step: 'any', value: '64' })),
      field('disk', 'Disk (MiB)', 'disk', input('number', { step: 'any', value: '0' })),
      field('instances', 'Instances', 'instances', input('number', { step: '1', value: '1' }))),
    field('network', 'Network', 'networks|portDefinitions', network),
    field('env', 'Environment', 'env', h('textarea', { rows: '2', placeholder: 'KEY=value, one a line' })),
    field('constraints', 'Constraints', 'constraints', h('textarea', { rows: '2', placeholder: 'hostname UNIQUE, one a line' })),
    h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Create app')));
  const json = h('textarea', { id: 'f-json', name: 'json', rows: '14', spellcheck: 'false', 'data-field': '$',
    'aria-describedby': 'err-json' }, TEMPLATE);
  const jsonForm = h('form', { class: 'create', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'f-json' }, 'App definition (Marathon JSON)'), json,
      h('p', { id: 'err-json', class: 'field-error', 'aria-live': 'polite' })),
    h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Create app')));

  async function submit(f, body) {
    clearErrors(f, general);
    try {
      const app = await api.post('/v1/apps', body);
      location.hash = `#/apps${app.id}`;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      showErrors(f, general, e);
    }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); submit(form, fromForm(form)); });
  jsonForm.addEventListener('submit', (e) => {
    e.preventDefault();
    // the JSON tab has one field: every error is listed under it, the server's text as given
    clearErrors(jsonForm, general);
    api.post('/v1/apps', json.value).then((app) => { location.hash = `#/apps${app.id}`; }).catch((err) => {
      if (!(err instanceof ApiError)) throw err;
      document.getElementById('err-json').textContent = (err.errors.length ? err.errors : [{ field: '$', reason: err.message }])
        .map((x) => `${x.field}: ${x.reason}`).join('\n');
      json.setAttribute('aria-invalid', 'true');
      showErrors(h('form'), general, { message: err.message, errors: [] });
      json.focus();
    });
  });

  const el = h('section', { 'aria-labelledby': 'new-title' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/apps' }, 'Apps'), ' / '),
    h('h1', { id: 'new-title' }, 'New app'), general, tabs(form, jsonForm));
  return { el, title: 'New app', live: false, refresh: async () => {} };
}
