import { Buffer } from 'node:buffer';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { openDatabase } from '../src/lib/server/db/index.ts';
import { PGliteDialect } from '../src/lib/server/db/pglite-dialect.ts';
import type { Database } from '../src/lib/server/db/schema.ts';
import { submitBundle } from '../src/lib/server/services/submit.ts';
import { rateLimit, RATE_RULES } from '../src/lib/server/services/rate-limit.ts';
import { fixture } from '../tests/support/fixtures.ts';
import { openSession, registerCandidate, step } from '../tests/integration/support.ts';

const N = Number(process.env.N ?? 150);
const dir = process.env.MEM ? 'memory://' : mkdtempSync(join(tmpdir(), 'zv-dbprof-'));
if (dir !== 'memory://') { const h = await openDatabase({ dataDir: dir }); await h.close(); }
const BYTEA = 17;
const lite = new PGlite(dir, {
	serializers: { [BYTEA]: (b: Uint8Array) => '\\x' + Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex') },
	parsers: { [BYTEA]: (t: string) => new Uint8Array(Buffer.from(t.slice(2), 'hex')) }
});
if (dir === 'memory://') { await lite.close(); }
const lite2 = dir === 'memory://' ? null : lite;
let db: Kysely<Database>;
if (lite2) db = new Kysely<Database>({ dialect: new PGliteDialect(lite2), log: (e) => rec(e) });
else { const h = await openDatabase({ dataDir: 'memory://' }); db = h.db; }
const stats = new Map<string, { n: number; ms: number }>();
let recording = false;
function rec(e: { level: string; query: { sql: string }; queryDurationMillis: number }) {
	if (!recording) return;
	const k = e.query.sql.replace(/\s+/g, ' ').slice(0, 70);
	const s = stats.get(k) ?? { n: 0, ms: 0 };
	s.n++; s.ms += e.queryDurationMillis; stats.set(k, s);
}
const photo = new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const MODEL = { id: 'face.feature', sha256: 'a'.repeat(64) };
const deps = { face: null, allowedModels: new Map([[MODEL.id, MODEL.sha256]]) };
const prepared = [];
for (let i = 0; i < N + 20; i++) {
	const c = await registerCandidate(db, { province: 'beijing', examArea: `考区${i}` });
	const s = await openSession(db, c.idNumber);
	const bundle = await s.sign(s.payload([step('liveness', true, { antiSpoof: 0.9, idPortraitSimilarity: 0.7 }, [MODEL]), step('photo', true, { similarity: 0.7 })], { photoSha256: sha(photo) }));
	prepared.push({ id: s.opened.sessionId, bundle });
}
const go = async (p: (typeof prepared)[number]) => {
	await rateLimit(db, `submit:${p.id}`, RATE_RULES.submit);
	const r = await submitBundle(db, p.id, { bundle: p.bundle, photo }, new Date(), deps);
	if (r.outcome !== 'confirmed') throw new Error(r.outcome);
};
for (const p of prepared.slice(0, 20)) await go(p);
recording = true;
const cpu0 = process.cpuUsage(); const t0 = performance.now();
for (const p of prepared.slice(20)) await go(p);
const cpu = process.cpuUsage(cpu0); const wall = performance.now() - t0;
console.log(`per submission: wall ${(wall / N).toFixed(2)} ms, cpu ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms`);
let tot = 0;
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) { tot += s.ms; console.log(`${(s.ms / N).toFixed(2).padStart(7)} ms/sub  n=${s.n}  ${k}`); }
console.log(`db total ${(tot / N).toFixed(2)} ms/sub`);
await db.destroy();
