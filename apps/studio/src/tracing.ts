import { startTracing } from '@converge/tracing';

// Imported first by main.ts: the SDK must patch http and pg before anything requires them.
startTracing('studio');
