// Fake Tauri IPC for viewing the built UI in a plain browser (not part of the build): load it with
// <script src="./mock-tauri.js"></script> before the app's module script in a copy of dist/index.html.
// It serves app_state/add_roots/search (10,000 synthetic hits)/failures, and window.__mock.emit(event, payload)
// sends backend events (index-progress, model-state, tauri://drag-drop, ...).
(function () {
  const cbs = new Map();
  const listeners = new Map(); // event -> [handlerId]
  let nextId = 1;
  const N = 10000;
  function rnd(i) { let x = Math.sin(i * 9301 + 49297) * 233280; return x - Math.floor(x); }
  const state = {
    model: { state: 'downloading', name: 'openai/clip-vit-base-patch32', message: null, progress: 0.42 },
    library_dir: '/home/user/.local/share/iris',
    roots: [], photos: 0, failed: 0, offline: 0, indexing: null, paused: false,
  };
  window.__mock = { state, calls: [], emit, failSearch: false };
  function emit(event, payload) {
    for (const id of listeners.get(event) || []) { const cb = cbs.get(id); if (cb) cb({ event, id, payload }); }
  }
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener() {} };
  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: 'main' }, currentWebview: { windowLabel: 'main', label: 'main' } },
    transformCallback(cb) { const id = nextId++; cbs.set(id, cb); return id; },
    unregisterCallback(id) { cbs.delete(id); },
    async invoke(cmd, args) {
      window.__mock.calls.push([cmd, args]);
      const copy = () => JSON.parse(JSON.stringify(state));
      switch (cmd) {
        case 'plugin:event|listen': { const l = listeners.get(args.event) || []; l.push(args.handler); listeners.set(args.event, l); return args.handler; }
        case 'plugin:event|unlisten': return null;
        case 'plugin:dialog|open': return args.options.multiple ? ['/home/user/Pictures', '/media/usb/Old Photos'] : '/home/user/models/clip';
        case 'app_state': return copy();
        case 'add_roots':
          state.roots = args.paths.map((p, i) => ({ path: p, photos: i ? 1200 : 8800, online: i === 0 }));
          state.photos = 10000; state.failed = 3; state.offline = 1200;
          state.indexing = { done: 4200, total: 10000, rate: 37.5, eta_seconds: 155 };
          state.model = { state: 'ready', name: 'openai/clip-vit-base-patch32', message: null, progress: null };
          return copy();
        case 'pause_indexing': state.paused = true; return null;
        case 'resume_indexing': state.paused = false; return null;
        case 'cancel_indexing': state.indexing = null; return null;
        case 'reindex': return null;
        case 'use_demo_model': state.model = { state: 'ready', name: 'demo', message: null, progress: null }; return copy();
        case 'use_model_folder': state.model = { state: 'loading', name: args.path, message: null, progress: null }; return copy();
        case 'failures': return [
          { path: '/home/user/Pictures/broken.jpg', reason: 'JPEG: premature end of data' },
          { path: '/home/user/Pictures/<b>bold</b>.png', reason: 'PNG: bad CRC <script>alert(1)</script>' },
          { path: '/home/user/Pictures/x.heic', reason: 'unsupported format' },
        ];
        case 'reveal': return null;
        case 'search': {
          if (window.__mock.failSearch) throw { code: 'model_unavailable', message: 'The model is not loaded yet.' };
          const k = Math.min(args.query.k, N);
          const hits = [];
          for (let i = 0; i < k; i++) {
            const w = [4032, 3024, 6000, 1080, 4000][i % 5], h = [3024, 4032, 1500, 1920, 3000][Math.floor(rnd(i) * 5)];
            hits.push({ id: 'id' + i, path: '/home/user/Pictures/2021/IMG_' + i + '.jpg', name: 'IMG_' + i + '.jpg',
              score: 0.35 - i * (0.25 / k) + rnd(i) * 0.01, width: i % 97 === 5 ? null : w, height: h,
              taken: i % 7 === 0 ? null : 1600000000 + Math.floor(rnd(i + 1) * 1e8), camera: i % 3 ? 'Canon EOS R6' : null,
              format: 'JPEG', size: 2_000_000 + i * 1000, online: i % 10 !== 3 });
          }
          return hits;
        }
      }
      throw { code: 'unknown_command', message: 'mock: unknown command ' + cmd };
    },
  };
})();
