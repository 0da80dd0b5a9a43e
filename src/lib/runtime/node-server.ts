// onnxruntime-node for the server, where many requests infer at once: one thread per inference, no spinning.
//
// The shared Node runtime (node.ts: tests, CLI) gives each session two intra-op threads, which is right for one
// image at a time. On a busy 2-core server the requests are the parallelism already, and onnxruntime's pool
// threads spin while they wait for work: the face count + embedding of one 480x640 photo cost 110-127 ms of CPU
// with two spinning threads, 36 ms with two that sleep and 24-28 ms with one (load average 8-9 on 2 cores).
import { createNodeRuntime } from './node.ts';

/** Intra-op threads per session (ZV_ORT_THREADS, default 1); with more than one, pool threads do not spin. */
const threads = Math.max(1, Math.floor(Number(process.env.ZV_ORT_THREADS ?? 1)) || 1);

export const serverRuntime = createNodeRuntime({
	intraOpNumThreads: threads,
	interOpNumThreads: 1,
	executionMode: 'sequential',
	graphOptimizationLevel: 'all',
	// Waiting pool threads sleep instead of spinning: spinning burns the cores the other requests need.
	extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } }
});
