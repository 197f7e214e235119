// The bpmn-js-differ side of bench/diff.py (d): read two BPMN files with bpmn-moddle, diff them
// with bpmn-js-differ, print the counts of what it found as one JSON line (the bench checks that
// both tools found the one change). The packages are imported from the folder named by
// PROCEX_BENCH_NODE_MODULES, where bench/diff.py installed them from the npm registry.
// Usage: PROCEX_BENCH_NODE_MODULES=DIR node differ.mjs OLD.bpmn NEW.bpmn
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.PROCEX_BENCH_NODE_MODULES, 'bench.js'));
const moddleModule = require('bpmn-moddle');
const BpmnModdle = moddleModule.BpmnModdle || moddleModule.default || moddleModule;
const { diff } = require('bpmn-js-differ');

const [oldPath, newPath] = process.argv.slice(2);
const moddle = new BpmnModdle();
const read = async (path) => (await moddle.fromXML(readFileSync(path, 'utf8'))).rootElement;
const started = performance.now();
const before = await read(oldPath);
const after = await read(newPath);
const parsed = performance.now();
const changes = diff(before, after);
const done = performance.now();
const count = (key) => Object.keys(changes[key]).length;
console.log(JSON.stringify({
  changed: count('_changed'),
  added: count('_added'),
  removed: count('_removed'),
  layout_changed: count('_layoutChanged'),
  changed_attrs: Object.values(changes._changed).map((c) => Object.keys(c.attrs)),
  parse_ms: Math.round(parsed - started),
  diff_ms: Math.round(done - parsed),
}));
