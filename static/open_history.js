// Open the history viewer (a page module of its own) in a dialog at the end of the page:
// `viewer` resolves to the module's exports once it is loaded. If it cannot be loaded, the
// page says why and stays as it was. Shared by the page's loader and the one-file builds.
async function clusterlabOpenHistory(viewer, text, name, lang) {
  let root = document.getElementById('clusterlab-history');
  if (!root) {
    root = document.createElement('div');
    root.id = 'clusterlab-history';
    document.body.appendChild(root);
  }
  try {
    const v = await viewer;
    return v.show_history(root, typeof text === 'string' ? text : undefined, String(name || 'history'), String(lang || 'en'));
  } catch (e) {
    root.remove();
    const detail = String(e && e.message ? e.message : e);
    const api = window.clusterlab;
    if (api && api.notice) api.notice({ text: 'The history viewer could not be loaded', detail });
    return `error: ${detail}`;
  }
}
