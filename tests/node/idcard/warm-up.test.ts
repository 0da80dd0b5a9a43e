// The reader's warm-up with the real models: it runs every model shape a portrait read uses, and a card waiting
// ends it at its next step (the OCR worker lets the first card go before the warm-up reads still to come).
import { describe, expect, it } from 'vitest';
import {
	afterQueuedMessages,
	createIdCardReader,
	WARM_UP_IMAGE_ROUNDS
} from '../../../src/lib/core/idcard/reader.ts';
import type { InferenceRuntime } from '../../../src/lib/core/runtime.ts';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { nodeRuntime, readStagedFile } from '../../../src/lib/runtime/node.ts';
import { nodeRegionTable } from '../../../src/lib/runtime/node-regions.ts';
import { generateCard } from '../../support/idcard/generate.ts';
import { warpPerspective } from '../../../src/lib/core/idcard/geometry.ts';
import { locateCard } from '../../../src/lib/core/idcard/locate.ts';
import { measureRecapture } from '../../../src/lib/core/idcard/recapture.ts';
import { RECTIFIED_H, RECTIFIED_W } from '../../../src/lib/core/idcard/reader.ts';
import { warmUpPhoto } from '../../../src/lib/core/idcard/warm-up.ts';

/** The real runtime, recording which model each run was of (and telling `afterRun` as each run ends). */
function countedRuntime(runs: string[], afterRun?: () => void): InferenceRuntime {
	return {
		name: nodeRuntime.name,
		tensor: (type, data, dims) => nodeRuntime.tensor(type, data, dims),
		async load(id) {
			const session = await nodeRuntime.load(id);
			return {
				inputNames: session.inputNames,
				outputNames: session.outputNames,
				run: async (feeds) => {
					runs.push(id);
					const out = await session.run(feeds);
					afterRun?.();
					return out;
				}
			};
		}
	};
}

const reader = (runs: string[], afterRun?: () => void) =>
	createIdCardReader({
		runtime: countedRuntime(runs, afterRun),
		dictionary: new TextDecoder().decode(readStagedFile('ocr.keys').bytes),
		regions: nodeRegionTable()
	});

describe('warm-up', () => {
	it('its made-up photo is found as a card, and its filters see a camera’s fractions, not flat colour', () => {
		const photo = warmUpPhoto();
		expect(warmUpPhoto().data).toEqual(photo.data);
		const located = locateCard(photo);
		expect(located.ok).toBe(true);
		if (!located.ok) return;
		const card = warpPerspective(photo, located.location.corners, RECTIFIED_W, RECTIFIED_H);
		// On flat colour the paper's Laplacian was 0 everywhere: the warm-up then trained V8 on small integers, and
		// the first real card (fractions everywhere) ran the recapture check deoptimised.
		const { paperTexture, fineColour } = measureRecapture(card);
		expect(paperTexture).toBeGreaterThan(0);
		expect(Number.isInteger(paperTexture)).toBe(false);
		expect(fineColour).toBeGreaterThan(0);
	});

	it('runs the detector at both sides’ shapes and the recogniser', async () => {
		const runs: string[] = [];
		await reader(runs).warmUp({ reads: 1 });
		expect(runs.filter((m) => m === 'ocr.det')).toHaveLength(2);
		expect(runs.filter((m) => m === 'ocr.rec').length).toBeGreaterThanOrEqual(1);
	});

	it('after the models it runs the image steps alone for a few rounds, each ended by a card waiting', async () => {
		const asked = async (cardAfterEmblem: boolean) => {
			const runs: string[] = [];
			let waiting = false;
			let n = 0;
			const r = reader(runs, () => {
				if (cardAfterEmblem && runs.filter((m) => m === 'ocr.det').length === 2) waiting = true;
			});
			await r.warmUp({ reads: 1, yieldNow: () => (n++, waiting) });
			return n;
		};
		// Each round asks first. A card that came during the emblem's detector run is seen at the first round's
		// question, the only one that run asks of the rounds.
		expect((await asked(false)) - (await asked(true))).toBe(WARM_UP_IMAGE_ROUNDS - 1);
	});

	it('stops at its next step once a card is waiting, and the card is then read', async () => {
		const runs: string[] = [];
		const r = reader(runs);
		let waiting = false;
		const warming = r.warmUp({ reads: 3, yieldNow: () => waiting });
		waiting = true;
		await warming;
		// The first step was under way when the card came: the detector's run, then nothing more.
		expect(runs).toEqual(['ocr.det']);
		const card = await generateCard({ seed: 11, side: 'portrait', write: false });
		const read = await r.read(await decodeImage(card.bytes), { today: '2026-11-25', side: 'portrait' });
		expect(read.status).toBe('ok');
		expect(read.fields.idNumber).toBe(card.identity.idNumber);
	});

	// As in the OCR worker: the card's read() is a message, which the thread handles only on a turn of its event
	// loop. Here it comes as a timer queued when the first model run ends; a check that does not let it in first
	// misses it (the warm-up goes on), the worker's check sees it and stops the warm-up at its next step.
	const untilCardDuringFirstRun = async (yieldNow: (isWaiting: () => boolean) => Promise<boolean>) => {
		let waiting = false;
		const runs: string[] = [];
		const r = reader(runs, () => {
			if (runs.length === 1) setTimeout(() => (waiting = true), 0);
		});
		await r.warmUp({ reads: 3, yieldNow: () => yieldNow(() => waiting) });
		return runs;
	};

	it('a card whose message comes during a model run is missed by a check that does not let messages in', async () => {
		const runs = await untilCardDuringFirstRun(async (isWaiting) => isWaiting());
		expect(runs.length).toBeGreaterThan(1);
	});

	it('the worker’s check lets it in and ends the warm-up at the next step', async () => {
		expect(await untilCardDuringFirstRun(afterQueuedMessages)).toEqual(['ocr.det']);
	});
});
