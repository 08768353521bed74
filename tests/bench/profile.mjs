// `BENCH_PROFILE=1`: where the page's main thread spends a first sync, from
// a CPU profile over the DevTools protocol, summed by kind of code. The wasm
// is built without a name section, so its functions show as numbers.

export async function startProfile(cdp) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
}

/** Self time by category and the heaviest functions, in ms. */
export async function stopProfile(cdp) {
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const next = deltas[i + 1] ?? 0;
    self.set(id, (self.get(id) ?? 0) + next / 1000);
  });
  const categories = {};
  const functions = {};
  for (const [id, ms] of self) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || '(anonymous)';
    const url = callFrame.url ?? '';
    let kind;
    if (['(idle)', '(program)', '(garbage collector)', '(root)'].includes(name)) kind = name;
    else if (url.endsWith('.wasm') || /^\$|wasm-function/.test(name)) kind = 'wasm';
    else if (url.includes('outpost_app')) kind = 'wasm-bindgen JS glue';
    else if (url === '') kind = 'browser built-ins (JSON, IndexedDB bindings…)';
    else kind = 'other JS';
    categories[kind] = (categories[kind] ?? 0) + ms;
    const key = `${name} ${url.split('/').pop()}:${callFrame.lineNumber}`;
    functions[key] = (functions[key] ?? 0) + ms;
  }
  const round = (o) => Object.fromEntries(Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v)]));
  const top = Object.entries(functions).sort((a, b) => b[1] - a[1]).slice(0, 15);
  return { categories: round(categories), top: round(Object.fromEntries(top)) };
}
