// The model allow-list: model ids and the sha256 of the files the server staged (static/models/manifest.json).
// A phone may only report results from these exact files; anything else was produced by a model we did not ship.

interface ManifestFile {
	id?: unknown;
	sha256?: unknown;
	kind?: unknown;
}

/** Builds id -> sha256 from the staged manifest (runtime and data files are not models and are left out). */
export function allowListFromManifest(manifest: unknown): Map<string, string> {
	const files = (manifest as { files?: unknown })?.files;
	const allowed = new Map<string, string>();
	if (!Array.isArray(files)) return allowed;
	for (const file of files as ManifestFile[]) {
		if (typeof file.id !== 'string' || typeof file.sha256 !== 'string') continue;
		if (file.kind !== undefined && file.kind !== 'model') continue;
		allowed.set(file.id, file.sha256);
	}
	return allowed;
}
