#!/usr/bin/env node
// Launcher for the `zv` command: runs the TypeScript CLI through tsx so the core runs unchanged in Node.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
