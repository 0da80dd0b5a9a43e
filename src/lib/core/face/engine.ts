// The face engine: detection, landmarks, pose, eyes, mouth, quality, embedding and passive anti-spoof over any
// InferenceRuntime. The same code runs in the phone's worker (onnxruntime-web) and in Node (onnxruntime-node).
import type { Box, Point, RgbaImage } from '../image/types.ts';
import { toChwTensor } from '../image/ops.ts';
import type { InferenceRuntime, ModelSession, TensorLike } from '../runtime.ts';
import type { DetectedFace, FaceEmbedding, FaceEngine, FaceMeasurement, HeadPose } from './types.ts';
import { ALIGNED_SIZE, alignFace, alignmentInverse } from './align.ts';
import { ANTISPOOF } from './antispoof.ts';
import {
	canvasRegion,
	decodeDetections,
	letterboxPlacement,
	nms,
	DETECT_HEIGHT,
	DETECT_WIDTH
} from './detect.ts';
import { rgbToChw, rgbToGray, sampleRegion } from './sample.ts';
import { bilinearToChw, sampleToChw, warpToChw } from './tensor-crops.ts';
import { clipBox, contextBox, iou, squareAround } from './geometry.ts';
import {
	decodeLandmarks,
	eyeAspectRatio,
	eyeCrop,
	eyeLineAngle,
	fivePoints,
	LANDMARK_SIZE,
	mouthOpenness
} from './landmarks.ts';
import { l2normalize } from './match.ts';
import { poseFromLandmarks } from './landmark-pose.ts';
import { binsToDegrees, IMAGENET_MEAN, IMAGENET_STD, poseCrop, POSE_SIZE, softmax } from './pose.ts';
import { greyLaplacianVariance } from '../image/stats.ts';
import { brightness } from './quality.ts';

/** Manifest ids of the models this engine loads (models/manifest/face.json). */
export const FACE_MODELS = {
	detect: 'face.detect',
	landmark: 'face.landmark',
	feature: 'face.feature',
	antispoof: 'face.antispoof',
	eye: 'face.eye',
	pose: 'face.pose'
} as const;

export type ChannelOrder = 'rgb' | 'bgr';

export interface FaceEngineOptions {
	/** Minimum detector score; 0.8 drops the hand/background false positives seen on the fixtures at 0.5-0.77. */
	detectThreshold?: number;
	/** Overlap above which two detections are the same face. */
	nmsIou?: number;
	/** Channel order fed to each colour model (measured on fixtures, see models/notes/face.md). */
	colour?: Partial<Record<'detect' | 'feature' | 'antispoof' | 'pose', ChannelOrder>>;
	/** Output class of the anti-spoof model that means "live". */
	antispoofLiveClass?: number;
	/** Context factor of the anti-spoof crop around the face box. */
	antispoofScale?: number;
	/**
	 * Head pose from the 68 landmarks (default: free, no download) or from the HopeNet-style network (5.4 MB
	 * gzipped, the slowest per-frame step). Both measured in models/notes/face.md.
	 */
	poseSource?: 'landmarks' | 'model';
	/**
	 * Run the detector on every Nth measure() only and let the box follow the landmarks in between (1 = every
	 * frame, the default). Faster camera loop; a face that appears or leaves is seen at the next detection, and
	 * a jump the landmarks cannot follow triggers one at once. measure() then keeps state: resetTracking().
	 */
	detectEvery?: number;
	/** When nothing is found, look again with a grey border around the image (costs one more pass). */
	retryWithMargin?: boolean;
	/** Also embed the mirrored face and average (more stable similarity, twice the cost). */
	embedFlip?: boolean;
}

const DEFAULTS = {
	detectThreshold: 0.8,
	nmsIou: 0.3,
	colour: { detect: 'rgb', feature: 'bgr', antispoof: 'bgr', pose: 'bgr' } as Record<
		'detect' | 'feature' | 'antispoof' | 'pose',
		ChannelOrder
	>,
	antispoofLiveClass: ANTISPOOF.liveClass,
	antispoofScale: ANTISPOOF.cropScale,
	embedFlip: false,
	retryWithMargin: true,
	detectEvery: 1,
	poseSource: 'landmarks' as 'landmarks' | 'model'
};

/** What the CLI and photo checks need beyond the FaceEngine interface. */
export interface FullFaceEngine extends FaceEngine {
	/** Every face in the image, best score first, boxes in image pixels (no keypoints yet). */
	detect(image: RgbaImage): Promise<DetectedFace[]>;
	/** 68 landmarks of one face. */
	landmarks(image: RgbaImage, face: DetectedFace): Promise<Point[]>;
	/** Detected face with its five keypoints filled from the landmarks. */
	withKeypoints(image: RgbaImage, face: DetectedFace): Promise<DetectedFace & { keypoints: Point[] }>;
	/** Head pose of one face; pass its landmarks if you have them (landmark pose then costs nothing). */
	pose(image: RgbaImage, face: DetectedFace, landmarks?: readonly Point[]): Promise<HeadPose>;
	/** Manifest ids of the models this engine's options use (what a worker downloads, what bundles cite). */
	models(): string[];
	/** Open-eye probability per eye (person's left/right) from the eye model. */
	eyes(image: RgbaImage, landmarks: readonly Point[]): Promise<{ left: number; right: number }>;
	/** All anti-spoof class probabilities (for benchmarks and bundles). */
	antispoofProbabilities(image: RgbaImage, face: DetectedFace): Promise<number[]>;
	/** Forgets the tracked box (detectEvery > 1): call between capture sessions. */
	resetTracking(): void;
	/**
	 * Loads every model now (the worker calls this behind a progress bar), but those in `skip`: a model another
	 * worker runs is neither downloaded nor held here.
	 */
	warmUp(skip?: readonly string[]): Promise<void>;
	readonly runtimeName: string;
}

function firstOutput(out: Record<string, TensorLike>, name?: string): ArrayLike<number> {
	const t = name ? out[name] : out[Object.keys(out)[0]];
	if (!t) throw new Error(`model output ${name ?? '(first)'} missing`);
	return t.data as ArrayLike<number>;
}

/** Bounding box of the 68 landmarks. */
function landmarkBounds(pts: readonly Point[]): Box {
	let x1 = Infinity;
	let y1 = Infinity;
	let x2 = -Infinity;
	let y2 = -Infinity;
	for (const p of pts) {
		x1 = Math.min(x1, p.x);
		y1 = Math.min(y1, p.y);
		x2 = Math.max(x2, p.x);
		y2 = Math.max(y2, p.y);
	}
	return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

/** The detector box expressed relative to the landmark bounds (offsets and sizes in units of the bounds). */
function toBounds(box: Box, b: Box): Box {
	return {
		x: (box.x - b.x) / b.width,
		y: (box.y - b.y) / b.height,
		width: box.width / b.width,
		height: box.height / b.height
	};
}

function fromBounds(b: Box, rel: Box): Box {
	return {
		x: b.x + rel.x * b.width,
		y: b.y + rel.y * b.height,
		width: rel.width * b.width,
		height: rel.height * b.height
	};
}

/** The square box the landmark and anti-spoof models were trained on: side = box height, same centre. */
function faceSquare(box: Box): Box {
	return squareAround(box, Math.max(box.width, box.height));
}

export function createFaceEngine(runtime: InferenceRuntime, options: FaceEngineOptions = {}): FullFaceEngine {
	const opt = { ...DEFAULTS, ...options, colour: { ...DEFAULTS.colour, ...options.colour } };
	const sessions = new Map<string, Promise<ModelSession>>();
	const models: string[] = Object.values(FACE_MODELS).filter(
		(id) => id !== FACE_MODELS.pose || opt.poseSource === 'model'
	);
	const session = (id: string): Promise<ModelSession> => {
		let s = sessions.get(id);
		if (!s) {
			s = runtime.load(id);
			// A failed load must not poison the cache: the next call retries.
			s.catch(() => sessions.delete(id));
			sessions.set(id, s);
		}
		return s;
	};
	const run = async (id: string, data: Float32Array, dims: number[]): Promise<Record<string, TensorLike>> => {
		const s = await session(id);
		return s.run({ [s.inputNames[0]]: runtime.tensor('float32', data, dims) });
	};

	async function detectOnce(image: RgbaImage, margin: number): Promise<DetectedFace[]> {
		const placement = letterboxPlacement(image.width, image.height, margin);
		const input = sampleToChw(
			image,
			canvasRegion(placement),
			DETECT_WIDTH,
			DETECT_HEIGHT,
			opt.colour.detect,
			127,
			128,
			127
		);
		const out = await run(FACE_MODELS.detect, input, [1, 3, DETECT_HEIGHT, DETECT_WIDTH]);
		const raw = decodeDetections(
			firstOutput(out, 'scores'),
			firstOutput(out, 'boxes'),
			placement,
			image.width,
			image.height,
			opt.detectThreshold
		);
		return nms(raw, opt.nmsIou).map((d) => ({ box: d.box, score: d.score }));
	}

	async function detect(image: RgbaImage): Promise<DetectedFace[]> {
		const faces = await detectOnce(image, 0);
		// A face that fills the picture (ID-card portrait, tight crop) is only found with a border around it.
		return faces.length || !opt.retryWithMargin ? faces : detectOnce(image, 0.25);
	}

	async function landmarks(image: RgbaImage, face: DetectedFace): Promise<Point[]> {
		const square = faceSquare(face.box);
		const gray = rgbToGray(sampleRegion(image, square, LANDMARK_SIZE, LANDMARK_SIZE), 1 / 256);
		const out = await run(FACE_MODELS.landmark, gray, [1, 1, LANDMARK_SIZE, LANDMARK_SIZE]);
		return decodeLandmarks(firstOutput(out), square);
	}

	async function withKeypoints(image: RgbaImage, face: DetectedFace) {
		if (face.keypoints?.length === 5) return face as DetectedFace & { keypoints: Point[] };
		return { ...face, keypoints: fivePoints(await landmarks(image, face)) };
	}

	async function modelPose(image: RgbaImage, face: DetectedFace): Promise<HeadPose> {
		const rgb = sampleRegion(image, poseCrop(face.box), POSE_SIZE, POSE_SIZE);
		const input = rgbToChw(rgb, opt.colour.pose, IMAGENET_MEAN, IMAGENET_STD);
		const s = await session(FACE_MODELS.pose);
		const out = await s.run({
			[s.inputNames[0]]: runtime.tensor('float32', input, [1, 3, POSE_SIZE, POSE_SIZE])
		});
		// Outputs are yaw, pitch, roll in outputNames order ("output", "617", "618"). Signs were measured: yaw
		// follows the nose offset on the head-turn clip and flips under a mirror (model yaw > 0 = nose towards
		// the image's left, hence the minus); pitch rises as the nose moves up between eyes and mouth; roll
		// follows the eye-line angle on photos rotated clockwise (tests/node/face/pose.test.ts).
		const [yaw, pitch, roll] = s.outputNames.map((n) => binsToDegrees(out[n].data as ArrayLike<number>));
		return { yaw: -yaw, pitch, roll };
	}

	async function pose(image: RgbaImage, face: DetectedFace, pts?: readonly Point[]): Promise<HeadPose> {
		if (opt.poseSource === 'model') return modelPose(image, face);
		return poseFromLandmarks(pts ?? (await landmarks(image, face)));
	}

	async function eyeOpen(image: RgbaImage, box: Box): Promise<number> {
		const gray = rgbToGray(sampleRegion(image, box, 24, 24), 1 / 255);
		const out = await run(FACE_MODELS.eye, gray, [1, 1, 24, 24]);
		// Class 1 = open: class 0 dominates on the closed-eye stretch of eyes_closing_selfie (tests/node/face).
		return softmax(firstOutput(out))[1];
	}

	async function eyes(image: RgbaImage, pts: readonly Point[]) {
		// The person's left eye is on the image's right in an unmirrored frame.
		const [left, right] = await Promise.all([
			eyeOpen(image, eyeCrop(pts, 'imageRight')),
			eyeOpen(image, eyeCrop(pts, 'imageLeft'))
		]);
		return { left, right };
	}

	async function antispoofProbabilities(image: RgbaImage, face: DetectedFace): Promise<number[]> {
		const box = contextBox(faceSquare(face.box), opt.antispoofScale, image.width, image.height);
		// Bilinear without pre-filter, like the cv2.resize the model was trained with: moiré and print texture are
		// its cue, and area averaging blurs them (a live clip frame fell from 0.75 to 0.42 with it).
		const input = bilinearToChw(image, box, 128, 128, opt.colour.antispoof, 0, 1);
		const out = await run(FACE_MODELS.antispoof, input, [1, 3, 128, 128]);
		return softmax(firstOutput(out));
	}

	async function embedTensor(input: Float32Array): Promise<Float32Array> {
		const out = await run(FACE_MODELS.feature, input, [1, 3, ALIGNED_SIZE, ALIGNED_SIZE]);
		return Float32Array.from(firstOutput(out));
	}

	const featureTensor = (img: RgbaImage) =>
		toChwTensor(img, { order: opt.colour.feature, mean: 127, std: 128 });

	function mirror(img: RgbaImage): RgbaImage {
		const out = new Uint8ClampedArray(img.data.length);
		for (let y = 0; y < img.height; y++)
			for (let x = 0; x < img.width; x++) {
				const s = (y * img.width + x) * 4;
				const d = (y * img.width + (img.width - 1 - x)) * 4;
				out[d] = img.data[s];
				out[d + 1] = img.data[s + 1];
				out[d + 2] = img.data[s + 2];
				out[d + 3] = img.data[s + 3];
			}
		return { width: img.width, height: img.height, data: out };
	}

	async function embed(image: RgbaImage, face: DetectedFace): Promise<FaceEmbedding> {
		const { keypoints } = await withKeypoints(image, face);
		const inverse = alignmentInverse(keypoints);
		// One pass from the frame into the model's input; the RGBA aligned image is only built for the mirror.
		const v = await embedTensor(warpToChw(image, inverse, ALIGNED_SIZE, opt.colour.feature, 127, 128));
		if (opt.embedFlip) {
			const f = await embedTensor(featureTensor(mirror(alignFace(image, keypoints))));
			for (let i = 0; i < v.length; i++) v[i] += f[i];
		}
		return { vector: l2normalize(v), modelId: FACE_MODELS.feature };
	}

	async function liveness(image: RgbaImage, face: DetectedFace): Promise<number> {
		return (await antispoofProbabilities(image, face))[opt.antispoofLiveClass];
	}

	// Tracking state for detectEvery > 1: the box follows the landmarks between detector runs.
	let track: { box: Box; score: number; faceCount: number; rel: Box; since: number; t: number } | null = null;

	async function measure(frame: RgbaImage, t = 0, forceDetect = false): Promise<FaceMeasurement> {
		const tracking =
			opt.detectEvery > 1 && !forceDetect && track && track.since < opt.detectEvery - 1 && t >= track.t;
		let best: DetectedFace;
		let faceCount: number;
		if (tracking && track) {
			best = { box: track.box, score: track.score };
			faceCount = track.faceCount;
		} else {
			track = null;
			const faces = await detect(frame);
			if (!faces.length) {
				const whole = { x: 0, y: 0, width: frame.width, height: frame.height };
				return {
					t,
					faceCount: 0,
					face: null,
					brightness: brightness(rgbToGray(sampleRegion(frame, whole, 64, 64)))
				};
			}
			// The camera loop follows the biggest face: the candidate holds the phone, bystanders are smaller.
			best = faces.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
			faceCount = faces.length;
		}
		const pts = await landmarks(frame, best);
		if (opt.detectEvery > 1) {
			const bounds = landmarkBounds(pts);
			if (tracking && track) {
				const next = fromBounds(bounds, track.rel);
				// The face moved or changed size more than the crop can follow: detect on this very frame.
				if (iou(next, best.box) < 0.6) return measure(frame, t, true);
				track = { ...track, box: clipBox(next, frame.width, frame.height), since: track.since + 1, t };
			} else {
				track = { box: best.box, score: best.score, faceCount, rel: toBounds(best.box, bounds), since: 0, t };
			}
		}
		const face: DetectedFace = { ...best, keypoints: fivePoints(pts) };
		const [headPose, eyeOpenness] = await Promise.all([pose(frame, best, pts), eyes(frame, pts)]);
		const faceGray = rgbToGray(sampleRegion(frame, faceSquare(best.box), 64, 64));
		return {
			t,
			faceCount,
			face,
			landmarks: pts,
			pose: headPose,
			eyeOpenness,
			eyeAspectRatio: { left: eyeAspectRatio(pts, 'imageRight'), right: eyeAspectRatio(pts, 'imageLeft') },
			mouthOpenness: mouthOpenness(pts),
			eyeLineAngle: eyeLineAngle(pts),
			facePosition: {
				cx: (best.box.x + best.box.width / 2) / frame.width,
				cy: (best.box.y + best.box.height / 2) / frame.height,
				widthFraction: best.box.width / frame.width
			},
			brightness: brightness(faceGray),
			sharpness: greyLaplacianVariance(faceGray, 64, 64)
		};
	}

	return {
		measure: (frame: RgbaImage, t?: number) => measure(frame, t),
		resetTracking() {
			track = null;
		},
		embed,
		liveness,
		detect,
		landmarks,
		withKeypoints,
		pose,
		eyes,
		antispoofProbabilities,
		async warmUp(skip: readonly string[] = []) {
			await Promise.all(models.filter((id) => !skip.includes(id)).map((id) => session(id)));
		},
		models: () => [...models],
		runtimeName: runtime.name
	};
}

export { compareFaces, cosineSimilarity, FACE_MATCH } from './match.ts';
export { ANTISPOOF, antispoofDecision } from './antispoof.ts';
