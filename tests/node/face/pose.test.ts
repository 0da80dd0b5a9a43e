import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { fixture } from '../../support/fixtures.ts';
import { createFaceEngine } from '../../../src/lib/core/face/engine.ts';
import { nodeRuntime } from '../../../src/lib/runtime/node.ts';
import { clipFrames, engine as defaultEngine, face, largestFace, mirror } from './support.ts';

for (const poseSource of ['landmarks', 'model'] as const) {
	describe(`head pose from ${poseSource === 'model' ? 'the fr_pose network' : 'the 68 landmarks'}: signs`, () => {
		const engine = createFaceEngine(nodeRuntime, { poseSource });

		it("yaw: the head-turn clip starts turned to the person's right (yaw < 0) and ends frontal", async () => {
			// 15 fps, 162 frames: 0-40 are the three-quarter view, 130+ the held frontal pose.
			const frames = await clipFrames('headturn_yaw_woman_640x480_15fps.mjpeg', [0, 20, 40, 130, 145, 160]);
			const yaw: number[] = [];
			for (const f of frames) yaw.push((await engine.measure(f)).pose!.yaw);
			for (const y of yaw.slice(0, 3)) expect(y).toBeLessThan(-12);
			// "Frontal" is a person's own idea of straight ahead: within 10 degrees, and well apart from the turn.
			for (const y of yaw.slice(3)) expect(Math.abs(y)).toBeLessThan(10);
			expect(Math.max(...yaw.slice(0, 3))).toBeLessThan(Math.min(...yaw.slice(3)) - 10);
		});

		it('yaw agrees with the nose offset from the landmarks and flips sign in a mirror', async () => {
			const [turned] = await clipFrames('headturn_yaw_woman_640x480_15fps.mjpeg', [10]);
			for (const img of [turned, mirror(turned)]) {
				const m = await engine.measure(img);
				const l = m.landmarks!;
				const noseOffset = l[30].x - (l[36].x + l[45].x) / 2;
				// yaw > 0 = the person turns to their left = nose towards the image's right.
				expect(Math.sign(m.pose!.yaw)).toBe(Math.sign(noseOffset));
				expect(Math.abs(m.pose!.yaw)).toBeGreaterThan(12);
			}
		});

		it('roll follows a clockwise rotation of the photo, as the eye line does', async () => {
			for (const f of ['obama_1.jpg', 'kit_harington_1.jpg']) {
				const rolls: number[] = [];
				const lines: number[] = [];
				for (const angle of [-15, 0, 15]) {
					const bytes = await sharp(fixture('faces', f))
						.rotate(angle, { background: '#808080' })
						.png()
						.toBuffer();
					const m = await engine.measure(await decodeImage(bytes));
					rolls.push(m.pose!.roll);
					lines.push(m.eyeLineAngle!);
				}
				expect(rolls[0]).toBeLessThan(rolls[1] - 5);
				expect(rolls[2]).toBeGreaterThan(rolls[1] + 5);
				expect(lines[2] - lines[0]).toBeGreaterThan(20);
			}
		});

		it('pitch > 0 means head up: it falls as the nose tip sits lower between eyes and mouth', async () => {
			const files = ['obama_1.jpg', 'obama_2.jpg', 'biden_1.jpg', 'kit_harington_2.jpg', 'lfw_Yao_Ming_1.jpg']
				.concat([
					'lfw_Li_Peng_1.jpg',
					'lfw_Lucy_Liu_2.jpg',
					'bbt_raj_1.png',
					'bbt_penny_2.png',
					'astronaut.png'
				])
				.concat(['lfw_Zhang_Ziyi_3.jpg', 'jacky_cheung_1.jpg', 'rose_leslie_1.jpg', 'bbt_howard_4.png']);
			const pitch: number[] = [];
			const noseDrop: number[] = [];
			for (const f of files) {
				const m = await engine.measure(await face('faces', f));
				const l = m.landmarks!;
				const eyes = (l[36].y + l[45].y) / 2;
				pitch.push(m.pose!.pitch);
				noseDrop.push((l[30].y - eyes) / ((l[48].y + l[54].y) / 2 - eyes));
			}
			const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
			const [mp, mn] = [mean(pitch), mean(noseDrop)];
			let cov = 0;
			let vp = 0;
			let vn = 0;
			pitch.forEach((p, i) => {
				cov += (p - mp) * (noseDrop[i] - mn);
				vp += (p - mp) ** 2;
				vn += (noseDrop[i] - mn) ** 2;
			});
			expect(cov / Math.sqrt(vp * vn)).toBeLessThan(-0.5);
		});

		it('pitch is symmetric under a mirror (it is not yaw or roll in disguise)', async () => {
			const img = await face('faces', 'lfw_Yao_Ming_1.jpg');
			const a = await engine.pose(img, await largestFace(img));
			const flipped = mirror(img);
			const b = await engine.pose(flipped, await largestFace(flipped));
			expect(Math.abs(a.yaw)).toBeGreaterThan(15);
			expect(Math.sign(a.yaw)).toBe(-Math.sign(b.yaw));
			expect(Math.abs(a.pitch - b.pitch)).toBeLessThan(Math.abs(a.yaw - b.yaw) / 4);
		});
	});
}

describe('eyes and mouth', () => {
	const engine = defaultEngine;
	it('eye model and eye aspect ratio see the long eye closure of eyes_closing_selfie', async () => {
		// 15 fps; eyes open for the first ~3 s, closed for long stretches around 4.5-7.5 s.
		const open = await clipFrames('eyes_closing_selfie_480x640_15fps.mjpeg', [0, 15, 30]);
		const closed = await clipFrames('eyes_closing_selfie_480x640_15fps.mjpeg', [70, 85, 100]);
		const ms = async (frames: typeof open) => Promise.all(frames.map((f) => engine.measure(f)));
		const mo = await ms(open);
		const mc = await ms(closed);
		for (const m of mo) expect(Math.min(m.eyeOpenness!.left, m.eyeOpenness!.right)).toBeGreaterThan(0.5);
		for (const m of mc) expect(Math.max(m.eyeOpenness!.left, m.eyeOpenness!.right)).toBeLessThan(0.5);
		const ear = (m: (typeof mo)[0]) => (m.eyeAspectRatio!.left + m.eyeAspectRatio!.right) / 2;
		expect(Math.max(...mc.map(ear))).toBeLessThan(Math.min(...mo.map(ear)));
	});

	it('mouth openness moves while GRID speakers talk and settles when they stop', async () => {
		// 25 fps, 3 s: the sentence is spoken in roughly the first 2 s; the last ~0.8 s is silence.
		const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
		for (const clip of ['grid_bbaf2n_640x480_25fps.mjpeg', 'grid_lbbc2a_640x480_25fps.mjpeg']) {
			const talking = Array.from({ length: 16 }, (_, i) => i * 3);
			const silent = [54, 57, 60, 63, 66, 69, 72];
			const frames = await clipFrames(clip, [...talking, ...silent]);
			const mouth = await Promise.all(frames.map(async (f) => (await engine.measure(f)).mouthOpenness!));
			const talk = mouth.slice(0, talking.length);
			const quiet = mouth.slice(talking.length);
			expect(Math.max(...talk)).toBeGreaterThan(0.05);
			expect(mean(talk)).toBeGreaterThan(2 * mean(quiet));
		}
	});
});
