// Types for the TypeScript callers of onnx-prune-dead-channels.mjs (tests/node/face/prune.test.ts).
import type { OnnxNode } from './onnx-int8.d.mts';

/** One expand -> PRelu -> depthwise -> PRelu -> project chain and the channels whose depthwise filter is zero. */
export interface DeadChannelChain {
	expand: OnnxNode;
	prelu1: OnnxNode;
	dw: OnnxNode;
	prelu2: OnnxNode;
	project: OnnxNode;
	dead: number[];
	channels: number;
}

export function findDeadChannels(bytes: Uint8Array): { chains: DeadChannelChain[] };

/** The staging transform: the same model without its dead channels. */
export default function onnxPruneDeadChannels(bytes: Uint8Array): Uint8Array;
