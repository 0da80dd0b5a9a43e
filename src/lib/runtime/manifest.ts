import type { ModelInfo } from '../core/runtime.ts';

export interface StagedFile extends ModelInfo {
	group: string;
	kind: 'model' | 'runtime' | 'data';
	from: string;
	transforms: string[];
}

export interface StagedManifest {
	files: StagedFile[];
}

export function findModel(manifest: StagedManifest, id: string): StagedFile {
	const entry = manifest.files.find((f) => f.id === id);
	if (!entry) throw new Error(`model "${id}" is not in the staged manifest; run \`npm run models\``);
	return entry;
}
