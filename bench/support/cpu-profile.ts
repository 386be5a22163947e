// Summarises a V8 .cpuprofile: where the samples are (self time) per package and per function, and
// how often each package is anywhere on the stack (inclusive time), so that "what limits it"
// comes with numbers.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileShare {
  name: string;
  ms: number;
  /** Of all samples except idle. */
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  selfByCategory: ProfileShare[];
  inclusiveByCategory: ProfileShare[];
  selfByFunction: ProfileShare[];
  inclusiveByFrame: ProfileShare[];
  /** The named parts of the work (see MARKERS) and how much of the CPU had them on the stack. */
  markers: ProfileShare[];
}

/**
 * Parts of the work worth naming, matched against "functionName url" of any frame on the stack.
 * A sample counts once per marker; markers overlap (e.g. TypeORM runs inside the use case).
 */
export const MARKERS: Array<{ name: string; pattern: RegExp }> = [
  { name: 'bearer JWT verification (jose jwtVerify, Ed25519)', pattern: /^jwtVerify / },
  { name: 'ValidationPipe (class-transformer + class-validator)', pattern: /^transform .*validation\.pipe\.js/ },
  { name: '  of which class-validator validate()', pattern: /^validate .*class-validator/ },
  { name: 'IssuePrescription.execute (rules, rows, transaction)', pattern: /^execute .*issue-prescription\.usecase\.js/ },
  { name: '  PrescriptionRules.check (BDPM lookups cached)', pattern: /^check .*prescription-rules\.js/ },
  { name: '  EntityManager.transaction (TypeORM)', pattern: /^transaction .*typeorm.*EntityManager\.js/ },
  { name: '  EntityManager.insert (TypeORM insert of the prescription)', pattern: /^insert .*typeorm.*EntityManager\.js/ },
  { name: '  Outbox.append', pattern: /^append .*messaging.*outbox\.js/ },
  { name: 'pg driver (client + protocol)', pattern: /node_modules\/pg(-protocol)?\// },
  { name: 'outbox relay publishing to Kafka (kafkajs)', pattern: /^publishBatch |node_modules\/kafkajs\// },
  { name: 'Fastify reply (serialise + write)', pattern: /^Reply\.send / },
  { name: 'Prometheus metrics (prom-client)', pattern: /node_modules\/prom-client\// },
  { name: 'correlation / trace interceptor', pattern: /^intercept .*trace\.interceptor\.js/ },
  { name: 'AsyncResource.bind (Nest interceptors; Node 20 builds deprecate() accessors per call)', pattern: /^bind node:async_hooks/ },
  { name: 'socket writes (net writev)', pattern: /^Socket\._writeGeneric |^Socket\._writev / },
  { name: 'garbage collector', pattern: /^\(garbage collector\) / },
  { name: 'PrintPrescription.pdf', pattern: /^pdf .*print-prescription\.usecase\.js/ },
  { name: 'renderPrescriptionPdf', pattern: /^renderPrescriptionPdf / },
  { name: '  QR matrix (qrcode.create: segments + mask choice)', pattern: /^create .*qrcode\/lib\/core\/qrcode\.js/ },
  { name: '    of which optimal segmentation (dijkstrajs)', pattern: /node_modules\/dijkstrajs\// },
  { name: '    of which mask choice (getBestMask)', pattern: /^getBestMask / },
  { name: '  standard font set-up (pdfkit AFMFont, per document)', pattern: /^AFMFont / },
  { name: '  text layout (LineWrapper, kerning)', pattern: /^(LineWrapper|wrap|eachWord|widthOfString|getKernPair|advancesForGlyphs) / },
  { name: '  drawing the QR runs', pattern: /^qrBlock / },
  { name: '  compression (zlib deflate)', pattern: /node:zlib|^zlibBufferSync |^deflateSync |^_processChunk / },
];

/** Which part of the program a frame belongs to: an npm package, one of our libs or apps, Node, V8. */
export function categoryOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program: V8/native outside JS)';
    if (functionName === '(root)') return '(root)';
    return '(native)';
  }
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = path.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const ours = /\/dist\/(libs|apps|bench|tools)\/([^/]+)\//.exec(path);
  if (ours) return ours[1] === 'libs' ? `@ordo/${ours[2]}` : `${ours[1]}/${ours[2]}`;
  if (path.startsWith('node:')) return 'node core';
  return path.split('/').slice(-2).join('/');
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url
    ? url
        .replace(/^file:\/\//, '')
        .split('/')
        .slice(-2)
        .join('/')
    : '';
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

function top(map: Map<string, number>, busyMs: number, count: number): ProfileShare[] {
  return [...map]
    .map(([name, us]) => ({ name, ms: us / 1000, percent: (100 * us) / 1000 / busyMs }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count);
}

export function summariseProfile(file: string, count = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const weight = new Map<number, number>();
  let totalUs = 0;
  let idleUs = 0;
  profile.samples.forEach((id, index) => {
    const delta = Math.max(0, profile.timeDeltas[index + 1] ?? profile.timeDeltas[index] ?? 0);
    weight.set(id, (weight.get(id) ?? 0) + delta);
    totalUs += delta;
    if (byId.get(id)?.callFrame.functionName === '(idle)') idleUs += delta;
  });
  const busyMs = (totalUs - idleUs) / 1000;

  const selfCategory = new Map<string, number>();
  const selfFunction = new Map<string, number>();
  const inclusiveCategory = new Map<string, number>();
  const inclusiveFrame = new Map<string, number>();
  const markerUs = MARKERS.map(() => 0);
  for (const [id, us] of weight) {
    const node = byId.get(id)!;
    const category = categoryOf(node.callFrame.url, node.callFrame.functionName);
    if (category === '(idle)') continue;
    selfCategory.set(category, (selfCategory.get(category) ?? 0) + us);
    const name = `${frameName(node)} [${category}]`;
    selfFunction.set(name, (selfFunction.get(name) ?? 0) + us);
    // Every package and frame on this stack counts once, however often it recurs.
    const categories = new Set<string>();
    const frames = new Set<string>();
    const hit = MARKERS.map(() => false);
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      const frameCategory = categoryOf(frame.callFrame.url, frame.callFrame.functionName);
      if (frameCategory === '(root)') continue;
      categories.add(frameCategory);
      frames.add(`${frameName(frame)} [${frameCategory}]`);
      const label = `${frame.callFrame.functionName || '(anonymous)'} ${frame.callFrame.url}`;
      MARKERS.forEach((marker, index) => {
        if (!hit[index] && marker.pattern.test(label)) hit[index] = true;
      });
    }
    hit.forEach((h, index) => {
      if (h) markerUs[index] += us;
    });
    for (const c of categories) inclusiveCategory.set(c, (inclusiveCategory.get(c) ?? 0) + us);
    for (const f of frames) inclusiveFrame.set(f, (inclusiveFrame.get(f) ?? 0) + us);
  }
  return {
    totalMs: totalUs / 1000,
    busyMs,
    selfByCategory: top(selfCategory, busyMs, count),
    inclusiveByCategory: top(inclusiveCategory, busyMs, count),
    selfByFunction: top(selfFunction, busyMs, count),
    inclusiveByFrame: top(inclusiveFrame, busyMs, 60),
    markers: MARKERS.map((marker, index) => ({
      name: marker.name,
      ms: markerUs[index] / 1000,
      percent: markerUs[index] / 10 / busyMs,
    })).filter((share) => share.percent >= 0.3),
  };
}

/**
 * The same for a profile of a service run from a build of its own (ORDO_BUILD_DIR): the summariser
 * names our code by its place under dist/, so the build's name is put back to dist/ first.
 */
export function summariseBuiltProfile(file: string, buildDir: string, count = 15): ProfileSummary {
  const rewritten = `${file}.dist-paths.json`;
  writeFileSync(rewritten, readFileSync(file, 'utf8').split(`/${buildDir}/`).join('/dist/'));
  try {
    return summariseProfile(rewritten, count);
  } finally {
    rmSync(rewritten, { force: true });
  }
}
