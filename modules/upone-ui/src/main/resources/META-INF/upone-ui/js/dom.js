// A few lines instead of a framework: h() builds elements, text is always set as text (never HTML).

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces a container's content, keeping the focused control (by id) focused. */
export function render(container, ...nodes) {
  const focusedId = document.activeElement && document.activeElement.id;
  const sel = document.activeElement && 'selectionStart' in document.activeElement ? document.activeElement.selectionStart : null;
  container.replaceChildren(...nodes.flat(Infinity).filter(Boolean));
  if (focusedId) {
    const again = document.getElementById(focusedId);
    if (again && again !== document.activeElement) {
      again.focus();
      if (sel !== null && 'setSelectionRange' in again) { try { again.setSelectionRange(sel, sel); } catch { /* not a text field */ } }
    }
  }
}

/** Asks before a destructive action; resolves true when confirmed. Esc or Cancel says no. */
export function confirmAction(text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    document.getElementById('confirm-ok').focus();
  });
}

/** A message at the top of the view: the API's refusal, or what just happened. */
export function notice(kind, text) {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}
