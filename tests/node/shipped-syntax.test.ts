// Every script the phone downloads must parse in the oldest engine the compatibility gate admits (Chrome 91,
// Safari 16.4). Vite's default target (Chrome 111) lets a dependency's later syntax through unchanged, and a phone
// that cannot parse a chunk shows a blank page, so the built output is read here as those engines would read it.
// Later built-ins (Object.hasOwn, .at()) are the lint's job in our own code: they are calls, not syntax.
import { parse, type Node } from 'acorn';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLIENT = 'build/client';

function shippedFiles(dir: string, pattern: RegExp): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile() && pattern.test(entry.name))
		.map((entry) => join(entry.parentPath, entry.name));
}

/** Every syntax node of a parsed program, depth first. */
function* nodes(value: unknown): Generator<Node> {
	if (Array.isArray(value)) {
		for (const item of value) yield* nodes(item);
	} else if (value && typeof value === 'object') {
		if (typeof (value as Node).type === 'string') yield value as Node;
		for (const [key, child] of Object.entries(value)) if (key !== 'loc') yield* nodes(child);
	}
}

/**
 * What Chrome 91 cannot run among what ES2022 allows: class static blocks (Chrome 94), and a static class field
 * named `name` or `length`, which V8 before 98 refused to define over the function's own property.
 */
function laterThanChrome91(source: string): string[] {
	// ES2022 is what Chrome 91 and Safari 16.4 parse, but for the two cases below; later syntax fails to parse here.
	const program = parse(source, { ecmaVersion: 2022, sourceType: 'module' });
	const found: string[] = [];
	for (const node of nodes(program)) {
		if (node.type === 'StaticBlock') found.push(`class static block at ${node.start}`);
		if (node.type === 'PropertyDefinition') {
			const field = node as Node & { static: boolean; computed: boolean; key: Node & { name?: string } };
			if (field.static && !field.computed && (field.key.name === 'name' || field.key.name === 'length'))
				found.push(`static field "${field.key.name}" at ${node.start}`);
		}
	}
	return found;
}

describe('the shipped code parses in the oldest admitted engine', () => {
	it('finds what it looks for', () => {
		expect(laterThanChrome91('class A { static { this.x = 1 } }')).toEqual(['class static block at 10']);
		expect(laterThanChrome91('class A { static name = "a"; static size = 1; #p = 2 }')).toEqual([
			'static field "name" at 10'
		]);
		expect(() => laterThanChrome91('const pattern = /[\\p{L}--[a-z]]/v;')).toThrow();
		expect(laterThanChrome91('class A { #p = 1; has(o) { return #p in o } }')).toEqual([]);
	});

	it('every script and stylesheet under build/client', () => {
		if (!existsSync(CLIENT)) throw new Error(`${CLIENT} is missing: run \`npx vite build\` first`);
		const scripts = shippedFiles(CLIENT, /\.m?js$/);
		expect(scripts.length).toBeGreaterThan(10);
		const refused = scripts.flatMap((file) => {
			try {
				return laterThanChrome91(readFileSync(file, 'utf8')).map((what) => `${file}: ${what}`);
			} catch (error) {
				return [`${file}: does not parse as ES2022 (${(error as Error).message})`];
			}
		});
		expect(refused).toEqual([]);

		// Range media queries (`width >= 768px`) came in Chrome 104; older engines drop the whole rule.
		const styles = shippedFiles(CLIENT, /\.css$/);
		expect(styles.length).toBeGreaterThan(0);
		const range = /\(\s*(?:(?:width|height)\s*[<>=]|[\d.]+[a-z]*\s*[<>])/;
		const ranges = styles.filter((file) => range.test(readFileSync(file, 'utf8')));
		expect(ranges).toEqual([]);
	});
});
