// One ID card reader over onnxruntime-node for tests and benchmarks (models staged by `npm run models`).
import { createIdCardReader } from '../../../src/lib/core/idcard/reader.ts';
import { nodeRuntime, readStagedFile } from '../../../src/lib/runtime/node.ts';
import { nodeRegionTable } from '../../../src/lib/runtime/node-regions.ts';

export const idCardReader = createIdCardReader({
	runtime: nodeRuntime,
	dictionary: new TextDecoder().decode(readStagedFile('ocr.keys').bytes),
	regions: nodeRegionTable()
});
