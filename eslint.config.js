import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			// The app has no base path; plain hrefs are what we mean.
			'svelte/no-navigation-without-resolve': 'off'
		}
	},
	{
		// What the phone runs must exist in the oldest engine the compatibility gate admits (Chromium 91, by its
		// WebAssembly SIMD; Safari 16.4): built-ins that came later are refused here, and
		// tests/unit/compat/old-engine.test.ts runs the core without them.
		files: [
			'src/lib/core/**/*.ts',
			'src/lib/client/**/*.ts',
			'src/lib/ui/**/*.{ts,svelte}',
			'src/lib/runtime/{web-*,manifest,measured}.ts',
			'src/lib/*.ts',
			'src/routes/**/*.{ts,svelte}',
			'workers/**/*.ts'
		],
		ignores: ['**/*.server.ts', 'src/routes/api/**'],
		rules: {
			// Methods are matched where called: `.at` is also many objects' timestamp.
			'no-restricted-syntax': [
				'error',
				...[
					['at', 'Chrome 92'],
					['findLast', 'Chrome 97'],
					['findLastIndex', 'Chrome 97'],
					['toSorted', 'Chrome 110'],
					['toReversed', 'Chrome 110'],
					['toSpliced', 'Chrome 110'],
					['throwIfAborted', 'Chrome 100: read signal.aborted'],
					['isWellFormed', 'Chrome 111']
				].map(([method, since]) => ({
					selector: `CallExpression > MemberExpression.callee[property.name='${method}']`,
					message: `.${method}(): ${since}; the phone's floor is Chrome 91.`
				}))
			],
			'no-restricted-properties': [
				'error',
				...[
					['Object', 'hasOwn', 'Chrome 93: use Object.prototype.hasOwnProperty.call'],
					['Object', 'groupBy', 'Chrome 117'],
					['Map', 'groupBy', 'Chrome 117'],
					['Promise', 'withResolvers', 'Chrome 119'],
					['Array', 'fromAsync', 'Chrome 121'],
					['AbortSignal', 'any', 'Chrome 116'],
					['AbortSignal', 'timeout', 'Chrome 103']
				].map(([object, property, since]) => ({
					object,
					property,
					message: `${since}; the phone's floor is Chrome 91.`
				}))
			],
			'no-restricted-globals': [
				'error',
				{ name: 'structuredClone', message: "Chrome 98; the phone's floor is Chrome 91." }
			]
		}
	},
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'static/models/',
			'static/vendor/',
			'bench/out/',
			'data/',
			'.cache/',
			'test-results/',
			'playwright-report/'
		]
	}
);
