export * from './decide.ts';
export * from './messages.ts';
export * from './report.ts';
export * from './user-agent.ts';
