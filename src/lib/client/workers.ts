// Workers start lazily, on first use, so the shell stays light until a step needs them.
import * as Comlink from 'comlink';
import type { FrameProbeApi } from '../../../workers/frame-probe.worker.ts';

let frameProbe: Comlink.Remote<FrameProbeApi> | null = null;

export function frameProbeWorker(): Comlink.Remote<FrameProbeApi> {
	frameProbe ??= Comlink.wrap<FrameProbeApi>(
		new Worker(new URL('../../../workers/frame-probe.worker.ts', import.meta.url), { type: 'module' })
	);
	return frameProbe;
}
