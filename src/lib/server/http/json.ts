// JSON from clients is parsed only after its nesting depth is checked on the text: JSON.parse itself copes with deep
// nesting, but everything after it that walks the value recursively (canonical JSON, the schema) would overflow the
// stack and answer 500. Real bundles nest fewer than 10 levels.
import { ServiceError } from '../services/errors.ts';

export const MAX_JSON_DEPTH = 32;

/** The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not count). */
export function jsonDepth(text: string): number {
	let depth = 0;
	let deepest = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 0x5c) i++;
			else if (c === 0x22) inString = false;
		} else if (c === 0x22) inString = true;
		else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
		else if (c === 0x5d || c === 0x7d) depth--;
	}
	return deepest;
}

const malformed = (en: string) => new ServiceError(400, 'malformed', '请求格式不正确', en);

/** Parses client JSON, refusing (400 `malformed`) invalid text and nesting deeper than `maxDepth`. */
export function parseClientJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
	if (jsonDepth(text) > maxDepth) throw malformed(`The JSON is nested deeper than ${maxDepth} levels.`);
	try {
		return JSON.parse(text);
	} catch {
		throw malformed('The request body is not valid JSON.');
	}
}
