// The candidate documents are static per province: prerendered at build, so the service worker precaches them and
// a candidate can read them offline from the consent screen.
import { error } from '@sveltejs/kit';
import { DOCUMENT_IDS, DOCUMENTS, type DocumentId } from '$lib/core/documents';
import { findPolicy, policies } from '$lib/core/policy';
import type { EntryGenerator, PageLoad } from './$types';

export const prerender = true;

export const entries: EntryGenerator = () =>
	Object.keys(policies).flatMap((province) => DOCUMENT_IDS.map((document) => ({ province, document })));

export const load: PageLoad = ({ params }) => {
	const policy = findPolicy(params.province);
	const document = DOCUMENTS[params.document as DocumentId];
	if (!policy || !document) error(404, 'Not found');
	return { policyId: policy.id, documentId: document.id };
};
