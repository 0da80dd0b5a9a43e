// `zv face detect|compare|spoof`: the face engine on image files, JSON on stdout.
import {
	ANTISPOOF,
	antispoofDecision,
	compareFaces,
	createFaceEngine,
	type FullFaceEngine
} from '../../lib/core/face/engine.ts';
import type { DetectedFace } from '../../lib/core/face/types.ts';
import type { RgbaImage } from '../../lib/core/image/types.ts';
import { nodeRuntime } from '../../lib/runtime/node.ts';
import { CliError, printJson } from '../errors.ts';
import { readImageArg } from '../input.ts';

export const summary =
	'detect IMG | compare IMG_A IMG_B | spoof IMG   (faces with box/score/pose, cosine match, passive anti-spoof)';

const usage = `usage: zv face detect IMG          faces with box [x,y,w,h], score and head pose
       zv face compare IMG_A IMG_B  cosine similarity of the two faces and the match decision
       zv face spoof IMG            passive anti-spoof: probability the face is live
Exit codes: 2 bad usage or missing file, 3 not an image, 4 no face, 5 several faces where one is needed.`;

const round = (v: number, digits = 4) => Number(v.toFixed(digits));

let engine: FullFaceEngine | null = null;
const getEngine = () => (engine ??= createFaceEngine(nodeRuntime));

/** The single face of an image, or a clear error naming the file. */
async function oneFace(path: string, img: RgbaImage): Promise<DetectedFace> {
	const faces = await getEngine().detect(img);
	if (faces.length === 0) throw new CliError(`${path}: no face found`, 4);
	if (faces.length > 1) throw new CliError(`${path}: ${faces.length} faces found, exactly one is needed`, 5);
	return faces[0];
}

async function detect(args: string[]): Promise<number> {
	if (args.length !== 1) throw new CliError(`detect takes one image\n${usage}`, 2);
	const img = await readImageArg(args[0]);
	const eng = getEngine();
	const faces = await eng.detect(img);
	if (faces.length === 0) throw new CliError(`${args[0]}: no face found`, 4);
	const out = [];
	for (const f of faces) {
		const pose = await eng.pose(img, f);
		out.push({
			box: [f.box.x, f.box.y, f.box.width, f.box.height].map((v) => round(v, 1)),
			score: round(f.score),
			pose: { yaw: round(pose.yaw, 1), pitch: round(pose.pitch, 1), roll: round(pose.roll, 1) }
		});
	}
	printJson({ faces: out });
	return 0;
}

async function compare(args: string[]): Promise<number> {
	if (args.length !== 2) throw new CliError(`compare takes two images\n${usage}`, 2);
	const [a, b] = await Promise.all([readImageArg(args[0], 'IMG_A'), readImageArg(args[1], 'IMG_B')]);
	const eng = getEngine();
	const fa = await oneFace(args[0], a);
	const fb = await oneFace(args[1], b);
	const r = compareFaces(await eng.embed(a, fa), await eng.embed(b, fb));
	printJson({ similarity: round(r.similarity), threshold: r.threshold, match: r.match });
	return 0;
}

async function spoof(args: string[]): Promise<number> {
	if (args.length !== 1) throw new CliError(`spoof takes one image\n${usage}`, 2);
	const img = await readImageArg(args[0]);
	// The model's own measured threshold: this command reports on the model, not on a province's decision.
	const live = await getEngine().liveness(img, await oneFace(args[0], img));
	const d = antispoofDecision(live, ANTISPOOF.threshold);
	printJson({ live: round(d.live), threshold: d.threshold, isLive: d.isLive });
	return 0;
}

export async function run(args: string[]): Promise<number> {
	const [sub, ...rest] = args;
	switch (sub) {
		case 'detect':
			return detect(rest);
		case 'compare':
			return compare(rest);
		case 'spoof':
			return spoof(rest);
		case undefined:
		case '--help':
		case '-h':
			console.log(usage);
			return sub ? 0 : 2;
		default:
			throw new CliError(`unknown subcommand "${sub}"\n${usage}`, 2);
	}
}
